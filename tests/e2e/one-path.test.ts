import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixturesDir, repoRoot } from '../helpers/fixtures.js';
import { readLogRecords, type StoredRecord } from '../helpers/log-records.js';
import { daemonHomes } from '../helpers/daemon-homes.js';
import { installHook, runHook } from '../helpers/installed-hook.js';

/**
 * Issue 10 acceptance: the same calls take one road whether they come through `aegis evaluate --batch` or through the
 * installed hook shim and its daemon — same decision, rules and reason, same ATV, one state directory.
 */

type HookInput = Record<string, unknown>;

const CALLS = 300;

interface Row {
  tool: string;
  input: Record<string, unknown>;
  event?: string;
  tool_response?: unknown;
  context?: { cwd?: string };
}

/** Peer corpus rows (../shared/fixtures/firewall), interleaved across files so tools and sources mix. */
function corpusRows(): Row[] | undefined {
  const dir = join(fixturesDir, 'firewall');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort();
  } catch {
    return undefined;
  }
  const rows = files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Row)
      .filter((r) => r.tool !== 'RAW_HOOK_STDIN' && typeof r.input === 'object' && r.input !== null),
  );
  // Round-robin over (tool, event) buckets: the corpus is mostly Bash, the test wants every tool and event it has.
  const buckets = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.tool} ${r.event ?? ''}`;
    buckets.set(k, [...(buckets.get(k) ?? []), r]);
  }
  const lists = [...buckets.values()];
  const out: Row[] = [];
  for (let i = 0; out.length < rows.length; i++)
    for (const l of lists) if (i < l.length) out.push(l[i] as Row);
  return out.length > 0 ? out : undefined;
}

interface PackRule {
  match: { text?: unknown };
  examples: { positive: unknown[]; negative: unknown[] };
}

/** Without fixtures: the shipped rule packs' own examples (caught and not caught), so the test always runs. */
function packRows(): Row[] {
  const dir = join(repoRoot, 'policies', 'firewall', 'rules');
  const out: Row[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const pack = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { rules: PackRule[] };
    for (const r of pack.rules)
      for (const e of [...r.examples.positive, ...r.examples.negative]) {
        if (typeof e === 'string')
          out.push(
            r.match.text !== undefined
              ? { tool: 'TEXT', input: { text: e } }
              : { tool: 'Bash', input: { command: e } },
          );
        else if (typeof e === 'object' && e !== null) out.push(e as Row);
      }
  }
  return out;
}

/** A row as the Claude Code hook input the agent would send: PreToolUse, PostToolUse (with output) or a prompt. */
function hookInput(r: Row, i: number): HookInput {
  const base = {
    session_id: `one-path-${i % 7}`,
    transcript_path: '/tmp/t.jsonl',
    cwd: r.context?.cwd ?? '/work/proj',
    permission_mode: 'default',
  };
  if (r.tool === 'TEXT') {
    const text = typeof r.input['text'] === 'string' ? r.input['text'] : JSON.stringify(r.input);
    return i % 2 === 0
      ? {
          ...base,
          hook_event_name: 'PostToolUse',
          tool_name: 'WebFetch',
          tool_input: { url: 'https://example.com/page', prompt: 'summarise' },
          tool_response: text,
          tool_use_id: `tu-${i}`,
        }
      : { ...base, hook_event_name: 'UserPromptSubmit', prompt: text };
  }
  if (r.tool === 'URL')
    return {
      ...base,
      hook_event_name: 'PreToolUse',
      tool_name: 'WebFetch',
      tool_input: { url: String(r.input['url'] ?? ''), prompt: 'read' },
      tool_use_id: `tu-${i}`,
    };
  if (r.event === 'PostToolUse' && r.tool_response !== undefined)
    return {
      ...base,
      hook_event_name: 'PostToolUse',
      tool_name: r.tool,
      tool_input: r.input,
      tool_response: r.tool_response,
      tool_use_id: `tu-${i}`,
    };
  return {
    ...base,
    hook_event_name: 'PreToolUse',
    tool_name: r.tool,
    tool_input: r.input,
    tool_use_id: `tu-${i}`,
  };
}

const decisions = (root: string, via: string): StoredRecord[] =>
  readLogRecords(join(root, 'log')).filter((x) => x.kind === 'decision' && x.data?.['via'] === via);

const newHome = daemonHomes();
const home = (tag: string, judge: string): { root: string; env: Record<string, string> } =>
  newHome(tag, { AEGIS_JUDGE: judge });

describe('one decision path (evaluate --batch and the installed hook + daemon)', () => {
  it(`${CALLS} mixed calls (PreToolUse, PostToolUse outputs, prompts) get the same decision, rules, reason and ATV both ways`, async () => {
    const rows = corpusRows() ?? packRows();
    const inputs = rows.slice(0, CALLS).map(hookInput);
    expect(inputs.length).toBe(CALLS);
    const kinds = new Set(inputs.map((x) => x['hook_event_name']));
    expect([...kinds].sort()).toEqual(['PostToolUse', 'PreToolUse', 'UserPromptSubmit']);
    expect(new Set(inputs.map((x) => x['tool_name'])).size).toBeGreaterThan(4);

    const a = home('ev', 'off');
    const batch = join(a.root, 'calls.jsonl');
    writeFileSync(batch, inputs.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const ev = await runCli(['evaluate', '--batch', batch, '--json'], a.env);
    expect(ev.stderr).toBe('');
    const lines = ev.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string; rules: string[]; reason: string });
    expect(lines.length).toBe(CALLS);

    const b = home('hk', 'off');
    const shim = await installHook(b.env, b.root);
    for (const x of inputs) runHook(shim, x, b.env);
    await runCli(['daemon', 'stop'], b.env);

    const viaEvaluate = decisions(a.root, 'evaluate');
    const viaDaemon = decisions(b.root, 'daemon');
    expect(viaEvaluate.length).toBe(CALLS);
    expect(viaDaemon.length).toBe(CALLS);
    const key = (x: { decision: string | null; rules: string[]; reason: string | null }): string =>
      JSON.stringify([x.decision, x.rules, x.reason]);
    const mismatches = inputs
      .map((x, i) => ({
        i,
        input: JSON.stringify(x).slice(0, 200),
        evaluate: key(viaEvaluate[i] as StoredRecord),
        daemon: key(viaDaemon[i] as StoredRecord),
      }))
      .filter((m) => m.evaluate !== m.daemon);
    expect(mismatches).toEqual([]);
    // The batch's printed answers are the records' answers.
    expect(lines.map(key)).toEqual(viaEvaluate.map(key));
    // Same facts, not only the same verdict: the same call hashes and the same vector.
    expect(viaDaemon.map((x) => [x.args_sha3, x.atv_sha3, x.data?.['event']])).toEqual(
      viaEvaluate.map((x) => [x.args_sha3, x.atv_sha3, x.data?.['event']]),
    );
    // The mix is not trivial: every verdict occurs.
    expect(new Set(viaDaemon.map((x) => x.decision))).toEqual(
      new Set(['ALLOW', 'BLOCK', 'REQUIRE_APPROVAL']),
    );
  });

  it('loop state is shared: two calls through evaluate --session S, the third through the daemon in S asks', async () => {
    const h = home('lp', 'off');
    const shim = await installHook(h.env, h.root);
    const input = { command: 'npm run build' };
    const hook = (session: string, command: string): string =>
      runHook(
        shim,
        {
          session_id: session,
          cwd: '/work/proj',
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command },
        },
        h.env,
      );
    const evaluate = async (session: string, ...flags: string[]): Promise<string> => {
      const r = await runCli(
        [
          'evaluate',
          '--session',
          session,
          '--tool',
          'Bash',
          '--input',
          JSON.stringify(input),
          '--json',
          ...flags,
        ],
        h.env,
      );
      expect(r.stderr).toBe('');
      return (JSON.parse(r.stdout) as { decision: string }).decision;
    };
    const asked = (out: string): string =>
      (JSON.parse(out) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput
        .permissionDecision;

    // No daemon yet: evaluate opens the engine and the log itself; the hook then starts the daemon cold.
    expect([await evaluate('S1'), await evaluate('S1')]).toEqual(['ALLOW', 'ALLOW']);
    expect(asked(hook('S1', input.command))).toBe('ask');
    // Daemon warm: evaluate hands its calls to the daemon (the log's one writer).
    expect([await evaluate('S2'), await evaluate('S2')]).toEqual(['ALLOW', 'ALLOW']);
    expect(asked(hook('S2', input.command))).toBe('ask');
    // Daemon warm, evaluate --no-audit decides in its own process: the state directory is still the one.
    expect([await evaluate('S3', '--no-audit'), await evaluate('S3', '--no-audit')]).toEqual([
      'ALLOW',
      'ALLOW',
    ]);
    expect(asked(hook('S3', input.command))).toBe('ask');

    const records = decisions(h.root, 'daemon').filter(
      (x) => x.session !== null && x.session.startsWith('S'),
    );
    expect(records.map((x) => [x.session, x.rules[0]])).toEqual([
      ['S1', 'session.loop'],
      ['S2', 'session.loop'],
      ['S3', 'session.loop'],
    ]);
    expect(decisions(h.root, 'evaluate').map((x) => x.session)).toEqual(['S1', 'S1', 'S2', 'S2']);
  });

  it('AEGIS_JUDGE=cpu: daemon records name the judge; the same call in fresh sessions gets the same decision and ATV both ways', async () => {
    const h = home('jd', 'cpu');
    const shim = await installHook(h.env, h.root);
    const calls = [
      { command: 'git clone https://github.com/octocat/Hello-World.git' },
      { command: 'npm test' },
      { command: 'git status' },
      { command: 'make -j4 all' },
    ];
    const sessions = ['f1', 'f2', 'f3', 'f4'];
    for (const s of sessions)
      for (const c of calls)
        runHook(
          shim,
          {
            session_id: s,
            cwd: '/work/proj',
            hook_event_name: 'PreToolUse',
            tool_name: 'Bash',
            tool_input: c,
          },
          h.env,
        );
    // Without the daemon, so evaluate's own engine (and judge) decides.
    await runCli(['daemon', 'stop'], h.env);
    for (const s of sessions)
      for (const c of calls)
        await runCli(
          [
            'evaluate',
            '--session',
            `ev-${s}`,
            '--cwd',
            '/work/proj',
            '--tool',
            'Bash',
            '--input',
            JSON.stringify(c),
          ],
          h.env,
        );

    const daemon = decisions(h.root, 'daemon');
    const evaluate = decisions(h.root, 'evaluate');
    expect(daemon.length).toBe(sessions.length * calls.length);
    expect(evaluate.length).toBe(sessions.length * calls.length);
    const judged = [...daemon, ...evaluate].filter((x) => x.data?.['judge_engine'] !== undefined);
    expect(daemon.filter((x) => x.data?.['judge_engine'] !== undefined).length).toBeGreaterThan(0);
    expect(evaluate.filter((x) => x.data?.['judge_engine'] !== undefined).length).toBeGreaterThan(0);
    for (const x of judged) {
      expect(x.data?.['judge_engine']).toBe('cpu');
      expect(x.data?.['judge_model_hash']).toMatch(/^[0-9a-f]{64}$/);
    }
    for (let c = 0; c < calls.length; c++) {
      const seen = [...daemon, ...evaluate]
        .filter((_, i) => i % calls.length === c)
        .map((x) => `${String(x.decision)} ${String(x.atv_sha3)}`);
      expect(new Set(seen).size, JSON.stringify(calls[c])).toBe(1);
    }
  });
});

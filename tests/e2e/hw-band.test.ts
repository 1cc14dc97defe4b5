import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HW_SIM_ATTACKS } from '#firmware-sim/hw/sim-source.js';
import { runCli } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/fixtures.js';
import { readLogRecords } from '../helpers/log-records.js';
import { daemonHomes } from '../helpers/daemon-homes.js';
import { installHook, runHook } from '../helpers/installed-hook.js';

/** Issue 11 acceptance: the band from this host's real sources and from the simulator, in the loop on every call. */

const newHome = daemonHomes();
const home = (
  hw: string,
  extra: Record<string, string> = {},
): { root: string; env: Record<string, string> } =>
  newHome('hw', { AEGIS_HW: hw, AEGIS_JUDGE: 'off', ...extra });

/** Ordinary developer work: the peer corpora's benign rows, then generated everyday commands, 2,000 in all. */
function benignCalls(n: number): Array<{ tool: string; input: Record<string, unknown>; session_id: string }> {
  const out: Array<{ tool: string; input: Record<string, unknown>; session_id: string }> = [];
  try {
    for (const f of readdirSync(join(fixturesDir, 'firewall'))
      .filter((x) => x.endsWith('.jsonl'))
      .sort())
      for (const line of readFileSync(join(fixturesDir, 'firewall', f), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const r = JSON.parse(line) as {
          tool: string;
          input: Record<string, unknown>;
          expected: string;
          condition?: unknown;
          scope?: unknown;
          event?: unknown;
        };
        if (
          r.expected === 'allow' &&
          !['TEXT', 'URL', 'RAW_HOOK_STDIN'].includes(r.tool) &&
          r.condition === undefined &&
          r.scope === undefined &&
          r.event === undefined
        )
          out.push({ tool: r.tool, input: r.input, session_id: `dev-${out.length % 13}` });
      }
  } catch {
    // no fixtures: the generated commands below stand alone
  }
  const verbs = [
    'git status',
    'git diff --stat',
    'git log --oneline -n 20',
    'ls -la',
    'npm test',
    'npm run build',
    'npx tsc --noEmit',
    'npx vitest run',
    'make -j4',
    'cargo build',
    'cargo test',
    'go test ./...',
    'pytest -q',
    'python3 -m pip list',
    'node --version',
    'cat package.json',
    'grep -rn TODO src',
    'rg useState src',
    'docker ps',
    'du -sh node_modules',
    'wc -l src/index.ts',
    'head -50 README.md',
    'git branch -a',
    'git fetch origin',
    'npm ci',
  ];
  const dirs = ['src', 'tests', 'lib', 'app', 'packages/core', 'cmd/server', 'internal/db', 'docs'];
  const files = ['index.ts', 'main.go', 'lib.rs', 'app.py', 'README.md', 'server.ts', 'util.js', 'Makefile'];
  for (let i = 0; out.length < n; i++) {
    const d = dirs[i % dirs.length] as string;
    const f = files[(i >> 3) % files.length] as string;
    const s = `dev-${i % 13}`;
    switch (i % 5) {
      case 0:
        out.push({ tool: 'Bash', input: { command: `${verbs[i % verbs.length] as string}` }, session_id: s });
        break;
      case 1:
        out.push({ tool: 'Read', input: { file_path: `/work/proj/${d}/${f}` }, session_id: s });
        break;
      case 2:
        out.push({
          tool: 'Grep',
          input: { pattern: `fn_${i % 97}`, path: `/work/proj/${d}` },
          session_id: s,
        });
        break;
      case 3:
        out.push({
          tool: 'Edit',
          input: { file_path: `/work/proj/${d}/${f}`, old_string: `a${i}`, new_string: `b${i}` },
          session_id: s,
        });
        break;
      default:
        out.push({
          tool: 'Bash',
          input: { command: `cd /work/proj/${d} && ${verbs[(i * 7) % verbs.length] as string}` },
          session_id: s,
        });
    }
  }
  return out.slice(0, n);
}

interface Line {
  decision: string;
  rules: string[];
  hw_mask?: number;
  hw_sources?: string[];
}

describe('hardware band (AEGIS_HW)', () => {
  it('aegis hw probe --json: at least 5 of the 11 subfields from real sources on this host, each naming its source', async () => {
    const h = home('auto');
    const r = await runCli(['hw', 'probe', '--json', '--pid', String(process.pid)], h.env);
    expect(r.code, r.stderr).toBe(0);
    const probe = JSON.parse(r.stdout) as {
      provider: string;
      subfields: Array<{ name: string; available: boolean; source: string[]; dims: number[] }>;
    };
    expect(probe.subfields).toHaveLength(11);
    const available = probe.subfields.filter((s) => s.available);
    expect(available.length, JSON.stringify(probe.subfields)).toBeGreaterThanOrEqual(5);
    for (const s of available) {
      expect(s.source.length, s.name).toBeGreaterThan(0);
      expect(s.source.every((x) => x !== 'sim')).toBe(true);
      expect(s.dims.length).toBeGreaterThan(0);
    }
  });

  it('evaluate --json shows a non-zero hw_mask and the sources from this host', async () => {
    const h = home('auto');
    const r = await runCli(
      [
        'evaluate',
        '--tool',
        'Bash',
        '--input',
        '{"command":"ls -la"}',
        '--session',
        's',
        '--json',
        '--no-audit',
      ],
      h.env,
    );
    const d = JSON.parse(r.stdout) as Line;
    expect(d.hw_mask).toBeGreaterThan(0);
    expect(d.hw_sources).toEqual(expect.arrayContaining(['perf_event_open', 'procfs']));
  });

  it('2,000 benign developer calls through evaluate --batch on the real band: no hw.* rule fires', async () => {
    const h = home('auto');
    const calls = benignCalls(2000);
    const batch = join(h.root, 'dev.jsonl');
    writeFileSync(batch, calls.map((c) => JSON.stringify(c)).join('\n') + '\n');
    const r = await runCli(
      ['evaluate', '--batch', batch, '--json', '--no-audit', '--pid', String(process.pid)],
      h.env,
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(2000);
    expect(lines.filter((l) => (l.hw_mask ?? 0) === 0)).toEqual([]);
    const hw = lines
      .map((l, i) => ({ i, call: calls[i], rules: l.rules }))
      .filter((l) => l.rules.some((x) => x.startsWith('hw.')));
    expect(hw).toEqual([]);
  });

  it.each(Object.keys(HW_SIM_ATTACKS))(
    'simulated %s turns `ls -la` into BLOCK or REQUIRE_APPROVAL with an hw.* rule',
    async (attack) => {
      const h = home('sim', { AEGIS_HW_SIM_INJECT: attack });
      const r = await runCli(
        ['evaluate', '--tool', 'Bash', '--input', '{"command":"ls -la"}', '--json', '--no-audit'],
        h.env,
      );
      const d = JSON.parse(r.stdout) as Line;
      expect(d.decision).not.toBe('ALLOW');
      expect(d.rules[0]).toMatch(/^hw\./);
      // Without the attack the same call is allowed on the same simulator.
      const quiet = await runCli(
        ['evaluate', '--tool', 'Bash', '--input', '{"command":"ls -la"}', '--json', '--no-audit'],
        { ...h.env, AEGIS_HW_SIM_INJECT: '' },
      );
      expect((JSON.parse(quiet.stdout) as Line).decision).toBe('ALLOW');
    },
  );

  it('an unknown AEGIS_HW or attack name is refused with its code', async () => {
    const bad = await runCli(['evaluate', '--tool', 'Bash', '--input', '{"command":"ls"}', '--no-audit'], {
      ...home('x').env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('HW_MODE_INVALID');
    const atk = await runCli(['hw', 'probe'], home('sim', { AEGIS_HW_SIM_INJECT: 'rowhammer' }).env);
    expect(atk.code).toBe(2);
    expect(atk.stderr).toContain('HW_SIM_ATTACK_UNKNOWN');
  });

  it('the daemon reads the band for the hook’s agent: its record carries hw_mask and hw_sources', async () => {
    const h = home('sim');
    const shim = await installHook(h.env, h.root);
    const input = {
      session_id: 'hw-d',
      cwd: '/work/proj',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'ls -la' },
    };
    for (let i = 0; i < 2; i++) runHook(shim, input, h.env);
    await runCli(['daemon', 'stop'], h.env);
    const recs = readLogRecords(join(h.root, 'log')).filter((x) => x.kind === 'decision');
    expect(recs).toHaveLength(2);
    for (const x of recs) {
      expect(x.data?.['hw_mask']).toBe(0x77f);
      expect(x.data?.['hw_source']).toBe('sim');
      expect(x.data?.['hw_sources']).toEqual(['sim']);
    }
  });
});

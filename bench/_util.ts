// Shared helpers for benchmarks (not a benchmark itself: files starting with "_" are not listed).
import { cpus } from 'node:os';

export function machine(): { node: string; cpus: number; model: string } {
  const c = cpus();
  return { node: process.version, cpus: c.length, model: c[0]?.model ?? 'unknown' };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0] as object);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i] as number)).join('  ');
  return [
    line(cols),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map((r) => line(cols.map((c) => String(r[c])))),
  ].join('\n');
}

/** Median and p95 of one operation, in milliseconds. */
export interface Stat {
  n: number;
  median_ms: number;
  p95_ms: number;
}

/** Times `fn` n times after a short warm-up. */
export async function measure(n: number, fn: () => Promise<unknown> | unknown, warm = 3): Promise<Stat> {
  for (let i = 0; i < Math.min(warm, n); i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const at = (q: number): number =>
    Number((t[Math.min(t.length - 1, Math.floor(q * t.length))] as number).toFixed(3));
  return { n, median_ms: at(0.5), p95_ms: at(0.95) };
}

/** a's median over b's, two decimals. */
export const ratio = (a: Stat, b: Stat): number => Number((a.median_ms / b.median_ms).toFixed(2));

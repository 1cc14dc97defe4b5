/**
 * Per-host baselines of the hardware band, learned while the appliance runs (step 337): for a few per-call
 * features, Welford's running mean and variance (Knuth TAOCP vol. 2 §4.2.2), persisted in $AEGIS_HOME/state so a
 * restart keeps what was learned. A feature is an outlier only when it is far above what this host has shown
 * (mean + K·σ), large in absolute terms (at least half of its scale), and the baseline has seen enough calls.
 */

export interface RunningStat {
  n: number;
  mean: number;
  m2: number;
}

export type HwBaseline = Record<string, RunningStat>;

/** The features step 337 learns a baseline for: per-call volumes a compromised agent would inflate. */
export const BASELINE_FEATURES: ReadonlyArray<{ subfield: string; dim: number; what: string }> = [
  { subfield: 'memory_timing_histograms', dim: 0, what: 'page faults' },
  { subfield: 'aid_tag_transitions', dim: 1, what: 'context switches' },
  { subfield: 'dma_fanout', dim: 3, what: 'bytes read from storage' },
  { subfield: 'dma_fanout', dim: 4, what: 'bytes written to storage' },
  { subfield: 'network_telemetry', dim: 0, what: 'bytes sent' },
  { subfield: 'hw_cost_attestation', dim: 0, what: 'CPU time' },
];

/** Calls a baseline needs before it may flag anything. */
export const BASELINE_MIN_SAMPLES = 200;
/** How many standard deviations above the mean is an outlier. */
export const BASELINE_K = 8;
/** And the value itself must reach half of its scale (e.g. 25 MB sent, 5 s of CPU). */
export const BASELINE_FLOOR = 0.5;

export function observe(b: HwBaseline, key: string, x: number): void {
  const s = (b[key] ??= { n: 0, mean: 0, m2: 0 });
  s.n += 1;
  const d = x - s.mean;
  s.mean += d / s.n;
  s.m2 += d * (x - s.mean);
}

/** The outlier test, against the baseline before this value was added. */
export function isOutlier(s: RunningStat | undefined, x: number): boolean {
  if (s === undefined || s.n < BASELINE_MIN_SAMPLES || x < BASELINE_FLOOR) return false;
  const sd = Math.sqrt(s.m2 / (s.n - 1));
  return x > s.mean + BASELINE_K * Math.max(sd, 0.01);
}

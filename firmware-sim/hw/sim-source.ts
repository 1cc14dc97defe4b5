import { createHash } from 'node:crypto';
import type { HwMetric, HwMetricSource, HwProbeEntry, HwTarget, HwValues } from '#device/hw-metrics.js';

/**
 * A deterministic hardware source for CI (AEGIS_HW=sim): every metric of the vocabulary, as counters that grow by
 * seeded, plausible per-call amounts for a developer workload, so every subfield of the band is filled. Named
 * attacks (AEGIS_HW_SIM_INJECT) add what that attack would make the hardware see; docs/hardware-guide.md lists them.
 * Readings depend only on the seed, the target and how many times it was read: the same run gives the same band.
 */

export const HW_SIM_ATTACKS = {
  'dma-exfil':
    'a device or process copies memory out: 3 IOMMU faults, 40 distinct remote endpoints, 200 MB sent, 500 MB read from storage',
  'hypervisor-tamper':
    'the host interferes with the guest: 2 unexpected hypervisor-ring events, the TPM resetCount moves, TEE evidence says debug',
  'watchdog-stall':
    'the machine stalls: 2 watchdog strikes and 0.9 s of every second with all tasks stalled on I/O',
  'cost-divergence':
    'the counters claim 100 s of CPU time within one second of wall time: hardware cost and the call cannot both be true',
} as const;

export type HwSimAttack = keyof typeof HW_SIM_ATTACKS;

export function parseHwSimAttacks(v: string | undefined): HwSimAttack[] {
  if (v === undefined || v.trim() === '') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is HwSimAttack => s in HW_SIM_ATTACKS);
}

/** Per-call increments of a quiet developer workload: [min, max] drawn uniformly from the seeded stream. */
const QUIET: Partial<Record<HwMetric, readonly [number, number]>> = {
  task_clock_ns: [2e6, 4e7],
  page_faults: [50, 4000],
  major_faults: [0, 2],
  context_switches: [5, 400],
  cpu_migrations: [0, 20],
  cycles: [5e6, 1e8],
  instructions: [5e6, 2e8],
  cache_misses: [1e3, 1e5],
  branch_misses: [1e3, 1e5],
  energy_uj: [1e4, 5e5],
  psi_cpu_some_us: [0, 2e4],
  psi_mem_some_us: [0, 1e3],
  psi_mem_full_us: [0, 200],
  psi_io_some_us: [0, 5e3],
  psi_io_full_us: [0, 1e3],
  steal_ns: [0, 1e6],
  run_delay_ns: [0, 2e6],
  io_read_bytes: [0, 2e5],
  io_write_bytes: [0, 1e5],
  net_rx_bytes: [0, 2e4],
  net_tx_bytes: [0, 5e3],
  ecc_corrected: [0, 0],
  ecc_uncorrected: [0, 0],
  iommu_faults: [0, 0],
  watchdog_strikes: [0, 0],
  hypervisor_ring_events: [0, 0],
};

/** Simulated wall time between two reads of the same target (one hook event to the next). */
export const HW_SIM_INTERVAL_NS = 1e9;

export interface HwSimOptions {
  seed?: string;
  attacks?: readonly HwSimAttack[];
}

export function simHwSource(
  opts: HwSimOptions = {},
): HwMetricSource & { readonly attacks: readonly HwSimAttack[] } {
  const seed = opts.seed ?? 'aegis-hw-sim';
  const attacks = opts.attacks ?? [];
  const state = new Map<string, { n: number; values: Record<string, number> }>();

  /** Uniform [0,1) numbers from SHA-256(seed ‖ target ‖ call ‖ metric): stable across runs and hosts. */
  function u(key: string, n: number, metric: string): number {
    const h = createHash('sha256').update(`${seed}\0${key}\0${n}\0${metric}`).digest();
    return h.readUInt32BE(0) / 2 ** 32;
  }

  function read(target: HwTarget): HwValues {
    const key = target.pid === undefined ? 'host' : String(target.pid);
    const s = state.get(key) ?? { n: 0, values: {} };
    s.n += 1;
    for (const [m, [lo, hi]] of Object.entries(QUIET) as Array<[HwMetric, readonly [number, number]]>) {
      s.values[m] = (s.values[m] ?? 0) + Math.round(lo + (hi - lo) * u(key, s.n, m));
    }
    const add = (m: HwMetric, v: number): void => {
      s.values[m] = (s.values[m] ?? 0) + v;
    };
    // Attacks act from the second read on: the first read of a target is its baseline (no interval before it).
    const active = s.n > 1 ? attacks : [];
    if (active.includes('dma-exfil')) {
      add('iommu_faults', 3);
      add('net_tx_bytes', 200e6);
      add('io_read_bytes', 500e6);
    }
    if (active.includes('hypervisor-tamper')) {
      add('hypervisor_ring_events', 2);
      add('tpm_reset_count', 1);
    }
    if (active.includes('watchdog-stall')) {
      add('watchdog_strikes', 2);
      add('psi_io_full_us', 0.9 * (HW_SIM_INTERVAL_NS / 1e3));
      add('psi_io_some_us', 0.95 * (HW_SIM_INTERVAL_NS / 1e3));
    }
    if (active.includes('cost-divergence')) add('task_clock_ns', 100e9);
    state.set(key, s);
    return {
      ...(s.values as HwValues),
      remote_endpoints: active.includes('dma-exfil') ? 40 : Math.floor(3 * u(key, s.n, 'remote_endpoints')),
      mem_current_bytes: 5e8 + Math.round(5e8 * u(key, s.n, 'mem')),
      temp_max_mc: 45000 + Math.round(15000 * u(key, s.n, 'temp')),
      hypervisor_present: 1,
      tpm_reset_count: s.values['tpm_reset_count'] ?? 0,
      tpm_restart_count: 0,
      tpm_clock_safe: 1,
      tpm_policy_ok: 1,
      tee_debug: active.includes('hypervisor-tamper') ? 1 : 0,
      tee_simulated: 1,
      tee_evidence_age_s: 60,
      // Wall clock of the simulated interval, so per-interval rates are deterministic too.
      wall_ns: s.n * HW_SIM_INTERVAL_NS,
    };
  }

  return {
    name: attacks.length === 0 ? 'sim' : `sim+${attacks.join('+')}`,
    attacks,
    probe(): readonly HwProbeEntry[] {
      return (Object.keys(QUIET) as HwMetric[])
        .concat([
          'remote_endpoints',
          'mem_current_bytes',
          'temp_max_mc',
          'hypervisor_present',
          'tpm_reset_count',
          'tpm_restart_count',
          'tpm_clock_safe',
          'tpm_policy_ok',
          'tee_debug',
          'tee_simulated',
          'tee_evidence_age_s',
        ])
        .map((metric) => ({ metric, available: true }));
    },
    read,
  };
}

import { HW_METRICS, type HwMetric, type HwValues } from '../device/hw-metrics.js';
import { HW_SUBFIELD_NAMES, type HwSnapshot, type HwSubfieldName } from '../device/hw-snapshot.js';
import { subfield } from './layout.js';

/**
 * Measurements → the 200-D hardware band of ATV-2080-v1 (layout unchanged, reference §1.1 indices 19–29). Every
 * feature is a per-call delta (or a current gauge) scaled to 0..1; the table below is the one definition of which
 * metric fills which dimension with which scale, and docs/formats.md "Hardware band" is generated from it. A subfield
 * is available when at least one of its metrics was read; otherwise it stays zero with its mask bit clear.
 */

/** What the software side says about the call, for the SW↔HW linkage features (reference §1.4 linkage_consistency). */
export interface HwClaims {
  /** The SW band's input token count for the call (cost_efficiency_metrics s-1). */
  readonly tokens: number;
  /** The tool sends or fetches over the network (fetch_url, web_search, mcp_tool, send_message, or a shell with URLs). */
  readonly network: boolean;
  /** The tool only reads (read_file, list_directory, search_files, and shells without writes). */
  readonly readOnly: boolean;
}

/** One interval of measurements: counter deltas, current gauges, and how the gauges moved. */
export interface HwInterval {
  /** Counter deltas and current gauge values. */
  readonly values: HwValues;
  /** Gauges whose value changed since the previous reading (e.g. the TPM resetCount). */
  readonly changed: ReadonlySet<HwMetric>;
  /** Which source read each metric. */
  readonly sourceOf: Partial<Record<HwMetric, string>>;
  /** Online CPUs, for the physical bound on CPU time. */
  readonly cpus: number;
  /** CPU and wall time since the session's first reading (the bound is checked over that span, see below). */
  readonly since?: { readonly task_clock_ns: number; readonly wall_ns: number };
}

interface Feature {
  readonly subfield: HwSubfieldName;
  readonly dim: number;
  /** The metrics it reads; the feature exists when all of them were read. */
  readonly uses: readonly HwMetric[];
  /** docs/formats.md text. */
  readonly doc: string;
  readonly f: (v: Required<HwValues>, i: HwInterval, c: HwClaims) => number;
}

const MB = 1e6;
/** Share of the interval; intervals under 0.5 s count as 0.5 s, so a stall of a few µs in a 1 ms gap is not "100 %". */
const MIN_WALL_NS = 5e8;
const frac = (us: number, wallNs: number): number => (us * 1e3) / Math.max(wallNs, MIN_WALL_NS);
const log01 = (x: number, decades: number): number => Math.log10(1 + Math.max(0, x)) / decades;

/** SW↔HW: CPU milliseconds per claimed input token, on a log scale (4 decades = 1). */
export function costDivergence(v: Required<HwValues>, c: HwClaims): number {
  return log01(v.task_clock_ns / 1e6 / Math.max(1, c.tokens), 4);
}

/** SW↔HW: the call claims no network but the namespace sent ≥ 1 MB (log10 of the MB beyond it, 2 decades = 1). */
export function netDivergence(v: Required<HwValues>, c: HwClaims): number {
  return c.network ? 0 : log01(v.net_tx_bytes / MB - 1, 2);
}

/** SW↔HW: the call claims to only read but the agent wrote ≥ 1 MB to storage (same scale). */
export function writeDivergence(v: Required<HwValues>, c: HwClaims): number {
  return c.readOnly ? log01(v.io_write_bytes / MB - 1, 2) : 0;
}

/**
 * CPU time beyond what the wall time and the host's CPUs allow (0 when physically possible). Checked over the span
 * since the session's first reading, not one interval: an inherited counter folds a child's whole CPU time in when
 * it exits, so a long background job can land in one short interval, but never exceed the span it ran in.
 */
export function cpuImpossibility(v: Required<HwValues>, i: HwInterval): number {
  const cpu = i.since?.task_clock_ns ?? v.task_clock_ns;
  const wall = i.since?.wall_ns ?? v.wall_ns;
  return Math.max(0, cpu / (Math.max(MIN_WALL_NS, wall) * Math.max(1, i.cpus)) - 1);
}

export const HW_FEATURES: readonly Feature[] = [
  {
    subfield: 'memory_timing_histograms',
    dim: 0,
    uses: ['page_faults'],
    doc: 'page faults / 100,000',
    f: (v) => v.page_faults / 1e5,
  },
  {
    subfield: 'memory_timing_histograms',
    dim: 1,
    uses: ['major_faults'],
    doc: 'major page faults / 100',
    f: (v) => v.major_faults / 100,
  },
  {
    subfield: 'memory_timing_histograms',
    dim: 2,
    uses: ['psi_mem_some_us', 'wall_ns'],
    doc: 'share of the interval some task stalled on memory (PSI)',
    f: (v) => frac(v.psi_mem_some_us, v.wall_ns),
  },
  {
    subfield: 'memory_timing_histograms',
    dim: 3,
    uses: ['psi_mem_full_us', 'wall_ns'],
    doc: 'share of the interval all tasks stalled on memory (PSI)',
    f: (v) => frac(v.psi_mem_full_us, v.wall_ns),
  },
  {
    subfield: 'memory_timing_histograms',
    dim: 4,
    uses: ['mem_current_bytes'],
    doc: 'agent cgroup memory / 16 GiB',
    f: (v) => v.mem_current_bytes / 2 ** 34,
  },
  {
    subfield: 'aid_tag_transitions',
    dim: 0,
    uses: ['iommu_faults'],
    doc: 'IOMMU faults / 5',
    f: (v) => v.iommu_faults / 5,
  },
  {
    subfield: 'aid_tag_transitions',
    dim: 1,
    uses: ['context_switches'],
    doc: 'context switches / 10,000',
    f: (v) => v.context_switches / 1e4,
  },
  {
    subfield: 'aid_tag_transitions',
    dim: 2,
    uses: ['cpu_migrations'],
    doc: 'CPU migrations / 1,000',
    f: (v) => v.cpu_migrations / 1e3,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 0,
    uses: ['iommu_faults'],
    doc: 'IOMMU faults / 5',
    f: (v) => v.iommu_faults / 5,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 1,
    uses: ['watchdog_strikes'],
    doc: 'watchdog strikes / 5',
    f: (v) => v.watchdog_strikes / 5,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 2,
    uses: ['hypervisor_ring_events'],
    doc: 'hypervisor-ring events / 3',
    f: (v) => v.hypervisor_ring_events / 3,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 3,
    uses: ['ecc_uncorrected'],
    doc: 'uncorrected memory errors (≥ 1 → 1)',
    f: (v) => v.ecc_uncorrected,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 4,
    uses: ['tpm_reset_count'],
    doc: 'TPM resetCount or restartCount changed since the last call (1)',
    f: (_v, i) => (i.changed.has('tpm_reset_count') || i.changed.has('tpm_restart_count') ? 1 : 0),
  },
  {
    subfield: 'atmu_anomaly',
    dim: 5,
    uses: ['tpm_clock_safe'],
    doc: 'TPM clock not safe (1)',
    f: (v) => (v.tpm_clock_safe === 0 ? 1 : 0),
  },
  {
    subfield: 'atmu_anomaly',
    dim: 6,
    uses: ['tee_debug'],
    doc: 'TEE evidence says debug (1)',
    f: (v) => v.tee_debug,
  },
  {
    subfield: 'atmu_anomaly',
    dim: 7,
    uses: ['tpm_policy_ok'],
    doc: "1 when the sealed audit keys' PCR policy no longer holds (the platform's measured state changed)",
    f: (v) => (v.tpm_policy_ok === 0 ? 1 : 0),
  },
  {
    subfield: 'dma_fanout',
    dim: 0,
    uses: ['remote_endpoints'],
    doc: 'distinct remote endpoints of the agent tree / 32',
    f: (v) => v.remote_endpoints / 32,
  },
  {
    subfield: 'dma_fanout',
    dim: 1,
    uses: ['net_tx_bytes'],
    doc: 'bytes sent / 50 MB',
    f: (v) => v.net_tx_bytes / (50 * MB),
  },
  {
    subfield: 'dma_fanout',
    dim: 2,
    uses: ['net_rx_bytes'],
    doc: 'bytes received / 50 MB',
    f: (v) => v.net_rx_bytes / (50 * MB),
  },
  {
    subfield: 'dma_fanout',
    dim: 3,
    uses: ['io_read_bytes'],
    doc: 'bytes read from storage / 1 GB',
    f: (v) => v.io_read_bytes / 1e9,
  },
  {
    subfield: 'dma_fanout',
    dim: 4,
    uses: ['io_write_bytes'],
    doc: 'bytes written to storage / 1 GB',
    f: (v) => v.io_write_bytes / 1e9,
  },
  {
    subfield: 'thermal_ecc_drift',
    dim: 0,
    uses: ['temp_max_mc'],
    doc: 'hottest thermal zone / 100 °C',
    f: (v) => v.temp_max_mc / 1e5,
  },
  {
    subfield: 'thermal_ecc_drift',
    dim: 1,
    uses: ['ecc_corrected'],
    doc: 'corrected memory errors / 100',
    f: (v) => v.ecc_corrected / 100,
  },
  {
    subfield: 'thermal_ecc_drift',
    dim: 2,
    uses: ['ecc_uncorrected'],
    doc: 'uncorrected memory errors (≥ 1 → 1)',
    f: (v) => v.ecc_uncorrected,
  },
  {
    subfield: 'thermal_ecc_drift',
    dim: 3,
    uses: ['temp_max_mc'],
    doc: '1 when the hottest zone is at or above 90 °C',
    f: (v) => (v.temp_max_mc >= 90000 ? 1 : 0),
  },
  {
    subfield: 'watchdog_signals',
    dim: 0,
    uses: ['watchdog_strikes'],
    doc: 'watchdog strikes / 5',
    f: (v) => v.watchdog_strikes / 5,
  },
  {
    subfield: 'watchdog_signals',
    dim: 1,
    uses: ['psi_cpu_some_us', 'wall_ns'],
    doc: 'share of the interval some task waited for CPU (PSI)',
    f: (v) => frac(v.psi_cpu_some_us, v.wall_ns),
  },
  {
    subfield: 'watchdog_signals',
    dim: 2,
    uses: ['psi_io_some_us', 'wall_ns'],
    doc: 'share of the interval some task stalled on I/O (PSI)',
    f: (v) => frac(v.psi_io_some_us, v.wall_ns),
  },
  {
    subfield: 'watchdog_signals',
    dim: 3,
    uses: ['psi_io_full_us', 'wall_ns'],
    doc: 'share of the interval all tasks stalled on I/O (PSI)',
    f: (v) => frac(v.psi_io_full_us, v.wall_ns),
  },
  {
    subfield: 'watchdog_signals',
    dim: 4,
    uses: ['run_delay_ns', 'wall_ns'],
    doc: 'share of the interval the agent waited on a run queue',
    f: (v) => v.run_delay_ns / Math.max(v.wall_ns, MIN_WALL_NS),
  },
  {
    subfield: 'network_telemetry',
    dim: 0,
    uses: ['net_tx_bytes'],
    doc: 'bytes sent / 50 MB',
    f: (v) => v.net_tx_bytes / (50 * MB),
  },
  {
    subfield: 'network_telemetry',
    dim: 1,
    uses: ['net_rx_bytes'],
    doc: 'bytes received / 50 MB',
    f: (v) => v.net_rx_bytes / (50 * MB),
  },
  {
    subfield: 'network_telemetry',
    dim: 2,
    uses: ['remote_endpoints'],
    doc: 'distinct remote endpoints / 32',
    f: (v) => v.remote_endpoints / 32,
  },
  {
    subfield: 'network_telemetry',
    dim: 3,
    uses: ['net_tx_bytes', 'net_rx_bytes'],
    doc: 'ln(1 + total MB) / 4',
    f: (v) => Math.log(1 + (v.net_tx_bytes + v.net_rx_bytes) / MB) / 4,
  },
  {
    subfield: 'network_telemetry',
    dim: 4,
    uses: ['net_tx_bytes', 'net_rx_bytes'],
    doc: 'sent / received / 100 (0 when nothing was received)',
    f: (v) => (v.net_rx_bytes > 0 ? v.net_tx_bytes / v.net_rx_bytes / 100 : 0),
  },
  {
    subfield: 'hypervisor_signals',
    dim: 0,
    uses: ['hypervisor_ring_events'],
    doc: 'hypervisor-ring events / 3',
    f: (v) => v.hypervisor_ring_events / 3,
  },
  {
    subfield: 'hypervisor_signals',
    dim: 1,
    uses: ['iommu_faults'],
    doc: 'IOMMU faults / 5',
    f: (v) => v.iommu_faults / 5,
  },
  {
    subfield: 'hypervisor_signals',
    dim: 2,
    uses: ['hypervisor_present'],
    doc: '1 under a hypervisor',
    f: (v) => v.hypervisor_present,
  },
  {
    subfield: 'hypervisor_signals',
    dim: 3,
    uses: ['steal_ns', 'wall_ns'],
    doc: 'share of the interval stolen by the hypervisor',
    f: (v) => v.steal_ns / Math.max(v.wall_ns, MIN_WALL_NS),
  },
  {
    subfield: 'hypervisor_signals',
    dim: 4,
    uses: ['tee_simulated'],
    doc: '1 when the TEE evidence is simulated',
    f: (v) => v.tee_simulated,
  },
  {
    subfield: 'hypervisor_signals',
    dim: 5,
    uses: ['tee_debug'],
    doc: '1 when the TEE evidence says debug',
    f: (v) => v.tee_debug,
  },
  {
    subfield: 'hypervisor_signals',
    dim: 6,
    uses: ['tee_evidence_age_s'],
    doc: 'TEE evidence age / 1 day',
    f: (v) => v.tee_evidence_age_s / 86400,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 0,
    uses: ['task_clock_ns'],
    doc: 'CPU time of the agent tree / 10 s',
    f: (v) => v.task_clock_ns / 1e10,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 1,
    uses: ['cycles'],
    doc: 'cycles / 10^10',
    f: (v) => v.cycles / 1e10,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 2,
    uses: ['instructions'],
    doc: 'instructions / 10^10',
    f: (v) => v.instructions / 1e10,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 3,
    uses: ['energy_uj'],
    doc: 'package energy / 1 kJ',
    f: (v) => v.energy_uj / 1e9,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 4,
    uses: ['cache_misses'],
    doc: 'cache misses / 10^8',
    f: (v) => v.cache_misses / 1e8,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 5,
    uses: ['branch_misses'],
    doc: 'branch misses / 10^8',
    f: (v) => v.branch_misses / 1e8,
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 13,
    uses: ['task_clock_ns'],
    doc: 'j-14 divergence: log10(1 + CPU ms per claimed token) / 4',
    f: (v, _i, c) => costDivergence(v, c),
  },
  {
    subfield: 'hw_cost_attestation',
    dim: 14,
    uses: ['task_clock_ns', 'wall_ns'],
    doc: 'CPU time beyond what the interval and the CPUs allow (0 when possible)',
    f: (v, i) => cpuImpossibility(v, i),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 0,
    uses: ['task_clock_ns'],
    doc: '1 − cost divergence (dim 13 of hw_cost_attestation)',
    f: (v, _i, c) => 1 - Math.min(1, costDivergence(v, c)),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 1,
    uses: ['net_tx_bytes'],
    doc: '1 − network divergence: the call claims no network but the namespace sent ≥ 1 MB (log10 MB / 2)',
    f: (v, _i, c) => 1 - Math.min(1, netDivergence(v, c)),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 2,
    uses: ['io_write_bytes'],
    doc: '1 − write divergence: the call claims to only read but the agent wrote ≥ 1 MB (log10 MB / 2)',
    f: (v, _i, c) => 1 - Math.min(1, writeDivergence(v, c)),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 3,
    uses: ['task_clock_ns'],
    doc: 'product of dims 0–2 (1 = software and hardware agree)',
    f: (v, _i, c) =>
      (1 - Math.min(1, costDivergence(v, c))) *
      (1 - Math.min(1, netDivergence(v, c))) *
      (1 - Math.min(1, writeDivergence(v, c))),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 4,
    uses: ['task_clock_ns'],
    doc: 'cost divergence (raw)',
    f: (v, _i, c) => costDivergence(v, c),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 5,
    uses: ['net_tx_bytes'],
    doc: 'network divergence (raw)',
    f: (v, _i, c) => netDivergence(v, c),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 6,
    uses: ['io_write_bytes'],
    doc: 'write divergence (raw)',
    f: (v, _i, c) => writeDivergence(v, c),
  },
  {
    subfield: 'linkage_consistency_features',
    dim: 7,
    uses: [],
    doc: 'claimed input tokens: log10(1 + tokens) / 6',
    f: (_v, _i, c) => log01(c.tokens, 6),
  },
];

const ZEROS = Object.fromEntries(Object.keys(HW_METRICS).map((k) => [k, 0])) as Required<HwValues>;

/** Encodes one interval; `source` names the provider for the record. */
/** Each feature with its subfield's length resolved once (the encoder runs on every call). */
const PLAN = HW_FEATURES.map((f) => ({ ...f, length: subfield(f.subfield).length }));

export function encodeHwBand(source: string, i: HwInterval, claims: HwClaims): HwSnapshot {
  const v = Object.assign(Object.create(ZEROS) as Required<HwValues>, i.values);
  const values: Partial<Record<HwSubfieldName, number[]>> = {};
  const sources: Partial<Record<HwSubfieldName, string[]>> = {};
  for (const feat of PLAN) {
    const metrics = feat.uses;
    let present = true;
    for (const m of metrics) if (i.values[m] === undefined) present = false;
    if (!present) continue;
    // Linkage needs a hardware measurement to compare with: a claims-only feature alone does not make it available.
    if (metrics.length === 0 && values[feat.subfield] === undefined) continue;
    const arr = (values[feat.subfield] ??= new Array<number>(feat.length).fill(0));
    const x = feat.f(v, i, claims);
    arr[feat.dim] = Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
    const names = (sources[feat.subfield] ??= []);
    for (const m of metrics) {
      const s = i.sourceOf[m];
      if (s !== undefined && s !== 'clock' && !names.includes(s)) names.push(s);
    }
  }
  return { source, values, sources };
}

export { HW_SUBFIELD_NAMES };

/**
 * What the hardware band is measured from: named metrics with units, each read by a source (a driver in drivers/hw
 * or the simulator in firmware-sim/hw) for the agent's process tree or its host. Counters are cumulative at the
 * source and turned into per-call deltas by the provider (src/appliance/hw/provider.ts): the band never sees a
 * cumulative host counter (original §12.3 defect 13, the alert storm). Gauges are read as they are.
 */

export type HwMetricKind = 'counter' | 'gauge';

export interface HwMetricSpec {
  readonly kind: HwMetricKind;
  readonly unit: string;
  /** What it measures, for `aegis hw probe` and docs/formats.md. */
  readonly what: string;
}

/** The metric vocabulary, grouped by where it comes from. */
export const HW_METRICS = {
  // the interval itself
  wall_ns: {
    kind: 'counter',
    unit: 'ns',
    what: 'monotonic clock (the wall time between two hook events of the agent)',
  },
  // perf_event_open, software events, on the agent's process tree (inherit=1)
  task_clock_ns: {
    kind: 'counter',
    unit: 'ns',
    what: 'CPU time of the agent tree (PERF_COUNT_SW_TASK_CLOCK)',
  },
  page_faults: { kind: 'counter', unit: 'faults', what: 'page faults (PERF_COUNT_SW_PAGE_FAULTS)' },
  major_faults: {
    kind: 'counter',
    unit: 'faults',
    what: 'major page faults (PERF_COUNT_SW_PAGE_FAULTS_MAJ)',
  },
  context_switches: {
    kind: 'counter',
    unit: 'switches',
    what: 'context switches (PERF_COUNT_SW_CONTEXT_SWITCHES)',
  },
  cpu_migrations: {
    kind: 'counter',
    unit: 'migrations',
    what: 'CPU migrations (PERF_COUNT_SW_CPU_MIGRATIONS)',
  },
  // perf_event_open, hardware events (absent without a PMU, e.g. in most VMs)
  cycles: { kind: 'counter', unit: 'cycles', what: 'CPU cycles (PERF_COUNT_HW_CPU_CYCLES)' },
  instructions: {
    kind: 'counter',
    unit: 'instructions',
    what: 'retired instructions (PERF_COUNT_HW_INSTRUCTIONS)',
  },
  cache_misses: {
    kind: 'counter',
    unit: 'misses',
    what: 'last-level cache misses (PERF_COUNT_HW_CACHE_MISSES)',
  },
  branch_misses: {
    kind: 'counter',
    unit: 'misses',
    what: 'branch mispredictions (PERF_COUNT_HW_BRANCH_MISSES)',
  },
  energy_uj: {
    kind: 'counter',
    unit: 'µJ',
    what: 'package energy (RAPL: perf power PMU or powercap energy_uj)',
  },
  // /proc and cgroup
  psi_cpu_some_us: {
    kind: 'counter',
    unit: 'µs',
    what: 'time some task waited for CPU (/proc/pressure/cpu)',
  },
  psi_mem_some_us: {
    kind: 'counter',
    unit: 'µs',
    what: 'time some task stalled on memory (/proc/pressure/memory)',
  },
  psi_mem_full_us: {
    kind: 'counter',
    unit: 'µs',
    what: 'time all tasks stalled on memory (/proc/pressure/memory)',
  },
  psi_io_some_us: { kind: 'counter', unit: 'µs', what: 'time some task stalled on I/O (/proc/pressure/io)' },
  psi_io_full_us: { kind: 'counter', unit: 'µs', what: 'time all tasks stalled on I/O (/proc/pressure/io)' },
  steal_ns: { kind: 'counter', unit: 'ns', what: 'CPU time stolen by the hypervisor (/proc/stat steal)' },
  run_delay_ns: {
    kind: 'counter',
    unit: 'ns',
    what: 'time the agent waited on a run queue (/proc/<pid>/schedstat)',
  },
  io_read_bytes: {
    kind: 'counter',
    unit: 'bytes',
    what: 'bytes read from storage by the agent (/proc/<pid>/io read_bytes)',
  },
  io_write_bytes: {
    kind: 'counter',
    unit: 'bytes',
    what: 'bytes written to storage by the agent (/proc/<pid>/io write_bytes)',
  },
  net_rx_bytes: {
    kind: 'counter',
    unit: 'bytes',
    what: "bytes received in the agent's network namespace (/proc/<pid>/net/dev)",
  },
  net_tx_bytes: {
    kind: 'counter',
    unit: 'bytes',
    what: "bytes sent from the agent's network namespace (/proc/<pid>/net/dev)",
  },
  remote_endpoints: {
    kind: 'gauge',
    unit: 'endpoints',
    what: 'distinct remote TCP/UDP endpoints of the agent tree now (/proc/<pid>/fd + /proc/net)',
  },
  mem_current_bytes: {
    kind: 'gauge',
    unit: 'bytes',
    what: "memory charged to the agent's cgroup (memory.current / memory.usage_in_bytes)",
  },
  // platform
  temp_max_mc: { kind: 'gauge', unit: 'm°C', what: 'hottest thermal zone (/sys/class/thermal)' },
  ecc_corrected: { kind: 'counter', unit: 'errors', what: 'corrected memory errors (EDAC ce_count)' },
  ecc_uncorrected: { kind: 'counter', unit: 'errors', what: 'uncorrected memory errors (EDAC ue_count)' },
  hypervisor_present: {
    kind: 'gauge',
    unit: 'flag',
    what: 'running under a hypervisor (cpuinfo "hypervisor" flag)',
  },
  // TPM (TPM2_ReadClock) and TEE evidence
  tpm_reset_count: { kind: 'gauge', unit: 'count', what: 'TPM resetCount (TPMS_CLOCK_INFO)' },
  tpm_restart_count: { kind: 'gauge', unit: 'count', what: 'TPM restartCount (TPMS_CLOCK_INFO)' },
  tpm_clock_safe: { kind: 'gauge', unit: 'flag', what: 'TPM clock safe flag (TPMS_CLOCK_INFO.safe)' },
  tpm_policy_ok: {
    kind: 'gauge',
    unit: 'flag',
    what: "the sealed audit keys' PolicyPCR holds for the current PCR values (TPM2_PCR_Read; would the keys unseal now)",
  },
  tee_debug: {
    kind: 'gauge',
    unit: 'flag',
    what: 'TEE evidence says debug is enabled (TD ATTRIBUTES.DEBUG / SNP POLICY.DEBUG)',
  },
  tee_simulated: { kind: 'gauge', unit: 'flag', what: 'TEE evidence comes from a simulator' },
  tee_evidence_age_s: { kind: 'gauge', unit: 's', what: 'age of the current TEE evidence' },
  // injected anomalies of the simulator (never produced by a real source)
  iommu_faults: { kind: 'counter', unit: 'faults', what: 'IOMMU / DMA remapping faults (DMAR fault log)' },
  watchdog_strikes: { kind: 'counter', unit: 'strikes', what: 'soft/hard lockup watchdog strikes' },
  hypervisor_ring_events: { kind: 'counter', unit: 'events', what: 'unexpected hypervisor-ring transitions' },
} as const satisfies Record<string, HwMetricSpec>;

export type HwMetric = keyof typeof HW_METRICS;

export const HW_METRIC_NAMES = Object.keys(HW_METRICS) as HwMetric[];

/** One reading of a source: cumulative counters and current gauges. */
export type HwValues = Partial<Record<HwMetric, number>>;

/** Whom a reading is about: the agent's process (the hook's parent) or, without one, the host. */
export interface HwTarget {
  /** The agent's process id (Claude Code: the hook's parent); undefined = host-wide sources only. */
  readonly pid?: number;
}

export interface HwProbeEntry {
  readonly metric: HwMetric;
  readonly available: boolean;
  /** Why not, when unavailable (e.g. "ENOENT: no PMU", "no /sys/class/powercap"). */
  readonly reason?: string;
}

/** A driver or simulator that reads some metrics. */
export interface HwMetricSource {
  readonly name: string;
  /** Which metrics this source can read on this host (opened and read once). */
  probe(target: HwTarget): readonly HwProbeEntry[];
  /** Reads every available metric for the target; a metric missing from the result is unavailable now. */
  read(target: HwTarget): HwValues;
  /** Releases file descriptors held for a target (an agent that went away). */
  release?(target: HwTarget): void;
}

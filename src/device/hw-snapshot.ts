/**
 * Hardware-snapshot interface for the 200-D hardware band of ATV-2080-v1 (DESIGN.md "Contracts":
 * hardware subfields without a source are zero and flagged unavailable). Drivers (perf_event_open,
 * FPGA counters) and simulators implement it; the ATV encoder only reads it.
 */

/** The 11 hardware subfields in layout order (reference §1.1, indices 19–29). */
export const HW_SUBFIELD_NAMES = [
  'memory_timing_histograms',
  'aid_tag_transitions',
  'atmu_anomaly',
  'dma_fanout',
  'thermal_ecc_drift',
  'watchdog_signals',
  'network_telemetry',
  'gpu_accelerator_state',
  'hypervisor_signals',
  'hw_cost_attestation',
  'linkage_consistency_features',
] as const;

export type HwSubfieldName = (typeof HW_SUBFIELD_NAMES)[number];

export interface HwSnapshot {
  /** Which driver or simulator produced it (recorded with the decision). */
  readonly source: string;
  /**
   * Encoded features per subfield, already per-call deltas scaled to 0..1 (reference §1.4;
   * cumulative host counters must not be passed, §12.3 defect 13). A missing subfield means
   * "no source on this host": the encoder writes zeros and clears its availability bit.
   */
  readonly values: Partial<Record<HwSubfieldName, readonly number[]>>;
  /** Which sources filled each subfield (perf_event_open, procfs, tpm, sim …), for the decision record. */
  readonly sources?: Partial<Record<HwSubfieldName, readonly string[]>>;
}

/** What the provider is told about the call it samples for (src/firewall builds it from the call). */
export interface HwCallContext {
  /** The agent's session: per-call deltas are between its consecutive events. */
  readonly sessionId: string;
  /** The agent's process (Claude Code: the hook's parent), when known. */
  readonly agentPid?: number;
  /** Input tokens the software band claims for the call (cost_efficiency_metrics s-1). */
  readonly tokens: number;
  /** The call uses the network / only reads, by the firewall's normalisation (for SW↔HW linkage). */
  readonly network: boolean;
  readonly readOnly: boolean;
}

export interface HwSnapshotProvider {
  readonly name: string;
  /** A snapshot for the current call, or undefined when no hardware source exists. */
  snapshot(ctx?: HwCallContext): Promise<HwSnapshot | undefined> | HwSnapshot | undefined;
}

/** The provider used when no hardware is present: every hardware subfield unavailable. */
export const noHardware: HwSnapshotProvider = { name: 'none', snapshot: () => undefined };

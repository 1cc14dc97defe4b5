/**
 * ATV-2080-v1 layout: 2,080 float32 in 30 contiguous subfields (DESIGN.md "Contracts";
 * ../shared/reference/original-aegis-atv.md §1.1, which mirrors the original's schema.py:56-125).
 * Software band = dims 0–1879 (19 subfields), hardware band = dims 1880–2079 (11 subfields).
 * This module is data only so the FPGA judge and the encoders share one source of truth.
 */

export const ATV_VERSION = 'ATV-2080-v1';
/** Number of float32 dimensions. */
export const ATV_DIM = 2080;
/** Bytes of the little-endian float32 serialisation hashed into atv_sha3. */
export const ATV_BYTES = ATV_DIM * 4; // 8,320

export type AtvBand = 'SW' | 'HW';

export interface AtvSubfield {
  /** Subfield index 0–29 (§1.1 "#"). */
  readonly index: number;
  /** Name as in the original schema. */
  readonly name: string;
  /** First dimension (inclusive). */
  readonly offset: number;
  /** Number of dimensions. */
  readonly length: number;
  readonly band: AtvBand;
}

/** Software band: first dimension and length (dims 0–1879). */
export const SW_BAND = { offset: 0, length: 1880 } as const;
/** Hardware band: first dimension and length (dims 1880–2079). */
export const HW_BAND = { offset: 1880, length: 200 } as const;

// Names and lengths in order; offsets are derived (contiguity) and checked below.
const SPEC: ReadonlyArray<readonly [string, number, AtvBand]> = [
  ['agent_state_embedding', 768, 'SW'],
  ['action_history', 640, 'SW'],
  ['inter_agent_graph', 128, 'SW'],
  ['memory_provenance', 64, 'SW'],
  ['qom_scores', 16, 'SW'],
  ['resource_access_pattern', 32, 'SW'],
  ['prompt_structure', 16, 'SW'],
  ['aid_ats_scalars', 8, 'SW'],
  ['encryption_metadata', 12, 'SW'],
  ['output_content_fingerprint', 64, 'SW'],
  ['tool_arg_inspection', 32, 'SW'],
  ['action_blast_radius', 16, 'SW'],
  ['output_channel_diversity', 12, 'SW'],
  ['session_behavioral_drift', 16, 'SW'],
  ['mcp_trust_signals', 12, 'SW'],
  ['grounding_metrics', 16, 'SW'],
  ['novelty_score', 4, 'SW'],
  ['human_oversight_state', 8, 'SW'],
  ['cost_efficiency_metrics', 16, 'SW'],
  ['memory_timing_histograms', 32, 'HW'],
  ['aid_tag_transitions', 24, 'HW'],
  ['atmu_anomaly', 16, 'HW'],
  ['dma_fanout', 16, 'HW'],
  ['thermal_ecc_drift', 16, 'HW'],
  ['watchdog_signals', 12, 'HW'],
  ['network_telemetry', 24, 'HW'],
  ['gpu_accelerator_state', 16, 'HW'],
  ['hypervisor_signals', 8, 'HW'],
  ['hw_cost_attestation', 16, 'HW'],
  ['linkage_consistency_features', 20, 'HW'],
];

function build(): readonly AtvSubfield[] {
  let offset = 0;
  const out: AtvSubfield[] = [];
  SPEC.forEach(([name, length, band], index) => {
    out.push(Object.freeze({ index, name, offset, length, band }));
    offset += length;
  });
  // Same invariant as the original's _assert_schema_valid (schema.py:406-417): contiguous, total 2080.
  if (offset !== ATV_DIM) throw new Error(`ATV layout sums to ${offset}, expected ${ATV_DIM}`);
  return Object.freeze(out);
}

/** The 30 subfields in index order. */
export const ATV_SUBFIELDS: readonly AtvSubfield[] = build();

export type AtvSubfieldName = (typeof SPEC)[number][0];

const BY_NAME = new Map(ATV_SUBFIELDS.map((s) => [s.name, s]));

/** Looks a subfield up by name; throws on an unknown name (a programming error, not input). */
export function subfield(name: string): AtvSubfield {
  const s = BY_NAME.get(name);
  if (s === undefined) throw new Error(`unknown ATV subfield ${name}`);
  return s;
}

/** Subfields of the hardware band (indices 19–29), in order. */
export const HW_SUBFIELDS: readonly AtvSubfield[] = ATV_SUBFIELDS.filter((s) => s.band === 'HW');
/** Subfields of the software band (indices 0–18), in order. */
export const SW_SUBFIELDS: readonly AtvSubfield[] = ATV_SUBFIELDS.filter((s) => s.band === 'SW');

import { endianness } from 'node:os';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import { BoundedMap } from '../core/bounded-map.js';
import { sha3_256, sha3_256Hex } from '../crypto/hash.js';
import { HW_SUBFIELD_NAMES, type HwSnapshot } from '../device/hw-snapshot.js';
import { ATV_BYTES, ATV_DIM, subfield } from './layout.js';
import { clamp01, embedText, fixedSlot, hashExpand } from './primitives.js';

/**
 * Software-band encoders of ATV-2080-v1 (reference §1.3) and the hardware band from a snapshot.
 * Determinism fixes against the original (§1.6): no per-process `hash(tenant_id)` (SHA3 instead),
 * no wall-clock slot (aid_ats_scalars[1] is 0; the timestamp lives in the audit record), and
 * embeddings are the SHA3 hash-expansion, so the same input gives the same bytes in any process.
 */

export interface AtvInput {
  aid: string;
  tenant: string;
  role?: string;
  capabilities?: string[];
  agentState?: string;
  recentActions?: JsonValue[];
  interAgentEdges?: Array<[string, string]>;
  memoryFingerprint?: string;
  qom?: Record<string, number>;
  plan?: string;
  tier?: 'T2' | 'T3';
  costProfile?: 'software' | 'hardware' | 'both';
  parentSpan?: boolean;
  encryption?: Record<string, number>;
  safetyFlags?: Record<string, number>;
  outputText?: string;
  /** Canonical tool name (src/firewall taxonomy). */
  tool: string;
  /** RFC 8785 JSON of the tool input. */
  argsJson: string;
  /** Blast radius 0–10 from step 320. */
  blast: number;
  sessionBehavior?: Record<string, number>;
  mcp?: Record<string, number>;
  grounding?: Record<string, number>;
  novelty?: Record<string, number>;
  oversight?: Record<string, number>;
  cost?: Record<string, number>;
}

export interface Atv {
  readonly vector: Float32Array;
  /** Bit i set = hardware subfield i (0 = memory_timing_histograms … 10) had a source. */
  readonly hwMask: number;
  readonly hwSource: string;
}

function put(v: Float32Array, name: string, values: ArrayLike<number>): void {
  const s = subfield(name);
  const n = Math.min(s.length, values.length);
  for (let i = 0; i < n; i++) v[s.offset + i] = values[i] as number;
}

const count = (s: string, sub: string): number => (sub === '' ? 0 : s.split(sub).length - 1);

/** prompt_structure (§1.3, builder.py:208-261) over the plan text. */
function promptStructure(plan: string): number[] {
  const len = plan.length;
  const upper = [...plan].filter((c) => c >= 'A' && c <= 'Z').length;
  const lower = plan.toLowerCase();
  return [
    Math.min(1, len / 4000),
    Math.min(1, count(plan, '\n') / 50),
    len > 0 ? upper / len : 0,
    len > 0 ? Math.min(1, ((count(plan, '!') + count(plan, '?')) / len) * 50) : 0,
    ['ignore', 'disregard', 'override'].some((w) => lower.includes(w)) ? 1 : 0,
    ['system', 'prompt', 'instruction'].some((w) => lower.includes(w)) ? 1 : 0,
    plan.includes('```') ? 1 : 0,
    Math.min(1, count(plan, 'http') / 10),
    Math.min(1, (plan.match(/\b[A-Z]{4,}\b/g)?.length ?? 0) / 10),
  ];
}

const SAFETY_KEYS = [
  'token_entropy',
  'system_prompt_overlap',
  'refusal_rate',
  'persona_delta',
  'toxicity',
  'prompt_injection',
  'pii_exposure',
  'sensitive_pattern',
  'hallucination_score',
  'language_shift',
  'code_block_density',
  'url_density',
];
const COST_KEYS = [
  'input_token_count',
  'output_token_count',
  'reasoning_token_count',
  'cumulative_tokens',
  'cumulative_dollars',
  'tokens_per_successful_tool_invocation',
  'tokens_per_plan_step_completed',
  'tokens_per_byte_of_final_output',
  'reasoning_to_action_ratio',
  'cache_hit_rate',
  'context_utilization_ratio',
  'cost_delta_vs_role_baseline',
  'budget_burn_rate',
  'forecasted_cost_to_completion',
  'task_progress_score',
  'marginal_value_score',
];

/** tool_arg_inspection (§1.3, builder.py:295-320). */
function toolArgInspection(s: string): Float64Array {
  const lower = s.toLowerCase();
  const out = new Float64Array(32);
  const feats = [
    ['drop ', 'delete ', 'rm ', 'truncate', 'destroy'].some((w) => lower.includes(w)),
    s.includes('../') || lower.includes('/etc/'),
    s.includes('base64') || s.includes('%2e%2e'),
    ['select ', 'union ', 'drop table', 'insert '].some((w) => lower.includes(w)),
    ['|', '&', ';', '`', '$('].some((w) => s.includes(w)),
  ];
  feats.forEach((f, i) => (out[i] = f ? 1 : 0));
  out[5] = Math.min(1, count(s, 'http') / 5);
  out[6] = ['write', 'create', 'append'].some((w) => lower.includes(w)) ? 1 : 0;
  out[7] = ['=base64,', '.bin', '.tar.gz'].some((w) => s.includes(w)) ? 1 : 0;
  out[8] = ['sk-', 'AKIA', 'BEGIN PRIVATE'].some((w) => s.includes(w)) ? 1 : 0;
  out[9] = Math.min(1, (s.match(/[\\.*+?()[\]{}|^$]/g)?.length ?? 0) / 50);
  out[10] = ['\u200b', '\u200c', '\u200d', '\ufeff'].some((c) => s.includes(c)) ? 1 : 0;
  out[11] = /[A-Za-z0-9+/]{40,}={0,2}/.test(s) ? 1 : 0;
  const first1000 = new TextEncoder().encode(s).subarray(0, 1000);
  out.set(hashExpand(first1000, 20), 12);
  return out;
}

const IRREVERSIBLE = new Set(['execute_shell', 'send_message', 'write_file']);
const WIDE_SCOPE = new Set(['execute_shell', 'mcp_tool', 'send_message']);

// The agent-state text repeats for every call of a session; its embedding is a pure function of it.
const embedCache = new BoundedMap<string, Float64Array>(256);
function cachedEmbedding(text: string, dim: number): Float64Array {
  const key = `${dim}:${text}`;
  let e = embedCache.get(key);
  if (e === undefined) {
    e = embedText(text, dim);
    embedCache.set(key, e);
  }
  return e;
}

/** Builds the 2,080-float vector. */
export function encodeAtv(input: AtvInput, hw?: HwSnapshot): Atv {
  const v = new Float32Array(ATV_DIM);
  const agentState = canonicalJson({
    aid: input.aid,
    capabilities: [...(input.capabilities ?? [])].sort(),
    role: input.role ?? '',
    state: input.agentState ?? '',
    tenant: input.tenant,
  });
  put(v, 'agent_state_embedding', cachedEmbedding(agentState, 768));
  if (input.recentActions !== undefined && input.recentActions.length > 0)
    put(v, 'action_history', embedText(canonicalJson(input.recentActions.slice(-20)), 640));
  if (input.interAgentEdges !== undefined && input.interAgentEdges.length > 0) {
    const edges = [...input.interAgentEdges]
      .sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1))
      .map(([a, b]) => `${a}->${b}`);
    put(v, 'inter_agent_graph', hashExpand(edges.join('|'), 128));
  }
  if (input.memoryFingerprint !== undefined && input.memoryFingerprint !== '')
    put(v, 'memory_provenance', hashExpand(input.memoryFingerprint, 64));
  put(v, 'qom_scores', fixedSlot(input.qom, ['fidelity', 'completeness', 'freshness', 'relevance'], 16));
  // resource_access_pattern stays zero (reserved in the original, §1.3).
  put(v, 'prompt_structure', promptStructure(input.plan ?? ''));
  const aidHash = sha3_256(input.aid);
  const aidU32 =
    (((aidHash[0] as number) << 24) |
      ((aidHash[1] as number) << 16) |
      ((aidHash[2] as number) << 8) |
      (aidHash[3] as number)) >>>
    0;
  const tenantHash = sha3_256(input.tenant);
  const tenantU16 = ((tenantHash[0] as number) << 8) | (tenantHash[1] as number);
  put(v, 'aid_ats_scalars', [
    (aidU32 % 65535) / 65535,
    0, // was timestamp_ns mod 1e9: removed for determinism
    (tenantU16 % 1000) / 1000, // was Python hash(tenant_id): per-process random
    input.tier === 'T2' || input.tier === undefined ? 1 : 0,
    input.tier === 'T3' ? 1 : 0,
    input.costProfile === 'hardware' || input.costProfile === 'both' ? 1 : 0,
    input.parentSpan === true ? 1 : 0,
    Math.min(1, input.aid.length / 64),
  ]);
  put(
    v,
    'encryption_metadata',
    fixedSlot(
      input.encryption,
      [
        'encryption_at_rest',
        'encryption_in_transit',
        'key_age_days',
        'key_rotation_pending',
        'tenant_isolation_level',
      ],
      12,
    ),
  );
  const ocf = new Float64Array(64);
  ocf.set(fixedSlot(input.safetyFlags, SAFETY_KEYS, 12), 0);
  if (input.outputText !== undefined && input.outputText !== '')
    ocf.set(hashExpand(input.outputText, 52), 12);
  put(v, 'output_content_fingerprint', ocf);
  put(v, 'tool_arg_inspection', toolArgInspection(input.argsJson));
  const b = clamp01(input.blast / 10);
  put(v, 'action_blast_radius', [
    b,
    IRREVERSIBLE.has(input.tool) ? 0 : 0.7,
    WIDE_SCOPE.has(input.tool) ? 1 : 0.3,
    b,
    0.5,
    b,
  ]);
  put(v, 'output_channel_diversity', [
    Math.min(1, count(input.argsJson, 'http') / 5),
    Math.min(1, (count(input.argsJson, '.png') + count(input.argsJson, '.jpg')) / 5),
    Math.min(1, count(input.argsJson, 'base64') / 3),
  ]);
  put(
    v,
    'session_behavioral_drift',
    fixedSlot(
      input.sessionBehavior,
      [
        'persona_drift',
        'refusal_rate_change',
        'tone_shift',
        'system_prompt_adherence_trend',
        'topic_drift',
        'verbosity_drift',
      ],
      16,
    ),
  );
  put(
    v,
    'mcp_trust_signals',
    fixedSlot(
      input.mcp,
      [
        'server_identity_score',
        'tool_description_change_rate',
        'schema_diff_score',
        'tool_count_change',
        'trust_band',
      ],
      12,
    ),
  );
  put(
    v,
    'grounding_metrics',
    fixedSlot(
      input.grounding,
      [
        'source_attribution_coverage',
        'citation_grounding_score',
        'confidence_calibration_error',
        'fact_consistency',
      ],
      16,
    ),
  );
  put(
    v,
    'novelty_score',
    fixedSlot(
      input.novelty,
      ['mahalanobis_distance', 'autoencoder_recon_error', 'kl_divergence', 'composite_novelty'],
      4,
    ),
  );
  put(
    v,
    'human_oversight_state',
    fixedSlot(
      input.oversight,
      [
        'operator_presence',
        'approval_latency_ms',
        'recent_overrides',
        'human_absence_safety_timer',
        'approver_count',
        'shift_active',
        'escalation_rate',
        'human_response_p95',
      ],
      8,
    ),
  );
  put(v, 'cost_efficiency_metrics', fixedSlot(input.cost, COST_KEYS, 16));
  return { vector: v, hwMask: writeHwBand(v, hw), hwSource: hw?.source ?? 'none' };
}

/**
 * Writes the hardware band of a vector: zero unless the snapshot has the subfield (then clamp01 per §1.4).
 * Returns the availability mask (bit i = the i-th hardware subfield). Every other dimension is left as it is.
 */
export function writeHwBand(v: Float32Array, hw: HwSnapshot | undefined): number {
  let mask = 0;
  HW_SUBFIELD_NAMES.forEach((name, i) => {
    const vals = hw?.values[name];
    const sf = subfield(name);
    v.fill(0, sf.offset, sf.offset + sf.length);
    if (vals === undefined) return;
    mask |= 1 << i;
    put(v, name, Array.from(vals, clamp01));
  });
  return mask;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The 8,320 little-endian float32 bytes (DESIGN.md: little-endian regardless of host order). */
export function atvBytes(v: Float32Array): Uint8Array {
  // On little-endian hosts the Float32Array memory already is the wire form.
  if (LITTLE_ENDIAN && v.length === ATV_DIM) return new Uint8Array(v.buffer, v.byteOffset, ATV_BYTES);
  const out = new Uint8Array(ATV_BYTES);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < ATV_DIM; i++) dv.setFloat32(i * 4, v[i] as number, true);
  return out;
}

/** atv_sha3 = SHA3-256 hex of the 8,320 bytes. */
export function atvSha3(v: Float32Array): string {
  return sha3_256Hex(atvBytes(v));
}

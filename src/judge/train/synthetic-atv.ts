import { ATV_DIM, subfield } from '../../atv/layout.js';
import { Prng } from './prng.js';

/**
 * Structured random ATV-2080-v1 vectors for training until the rule engine's decisions are available
 * (docs/fpga.md, "Training"). Each subfield is filled the way its encoder fills it
 * (../shared/reference/original-aegis-atv.md §1.3-1.4): L2-normalised hash noise for embeddings, 0/1 flags for
 * detectors, x/10 for blast radius, raw token counts for cost metrics, mostly-zero hardware band.
 */
export function syntheticAtv(rng: Prng): Float32Array {
  const x = new Float32Array(ATV_DIM);
  const put = (name: string, i: number, v: number): void => {
    x[subfield(name).offset + i] = v;
  };
  const noise = (name: string, from: number, p = 1): void => {
    const sf = subfield(name);
    if (!rng.bool(p)) return;
    const n = sf.length - from;
    const v = Array.from({ length: n }, () => rng.normal());
    const norm = Math.hypot(...v) || 1;
    v.forEach((e, k) => (x[sf.offset + from + k] = e / norm));
  };
  noise('agent_state_embedding', 0);
  noise('action_history', 0);
  noise('inter_agent_graph', 0, 0.3);
  noise('memory_provenance', 0, 0.5);
  for (let i = 0; i < 4; i++) put('qom_scores', i, rng.next());
  for (let i = 0; i < 4; i++) put('prompt_structure', i, rng.next() * 0.3);
  put('prompt_structure', 4, rng.bool(0.08) ? 1 : 0); // ignore/disregard/override
  put('prompt_structure', 5, rng.bool(0.3) ? 1 : 0);
  put('prompt_structure', 6, rng.bool(0.2) ? 1 : 0);
  put('aid_ats_scalars', 0, rng.next());
  put('aid_ats_scalars', 1, rng.next());
  put('aid_ats_scalars', rng.bool(0.5) ? 3 : 4, 1);
  put('aid_ats_scalars', 7, rng.int(8, 40) / 64);
  for (let i = 0; i < 5; i++) put('encryption_metadata', i, rng.bool(0.5) ? 1 : rng.next() * 30);
  for (let i = 0; i < 12; i++) put('output_content_fingerprint', i, rng.next() * 0.2);
  noise('output_content_fingerprint', 12, 0.6);
  const flagP = [0.15, 0.1, 0.05, 0.05, 0.25, 0.2, 0.25, 0.05, 0.08, 0, 0.02, 0.05];
  flagP.forEach((p, i) => put('tool_arg_inspection', i, rng.bool(p) ? 1 : 0));
  put('tool_arg_inspection', 5, rng.int(0, 5) / 5);
  put('tool_arg_inspection', 9, rng.next() * 0.5);
  noise('tool_arg_inspection', 12);
  const blast = rng.int(1, 10);
  put('action_blast_radius', 0, blast / 10);
  put('action_blast_radius', 1, rng.bool(0.3) ? 0 : 0.7);
  put('action_blast_radius', 2, rng.bool(0.3) ? 1 : 0.3);
  put('action_blast_radius', 3, blast / 10);
  put('action_blast_radius', 4, 0.5);
  put('action_blast_radius', 5, blast / 10);
  for (let i = 0; i < 3; i++) put('output_channel_diversity', i, rng.int(0, 5) / 5);
  for (let i = 0; i < 6; i++) put('session_behavioral_drift', i, rng.next() * 0.5);
  for (let i = 0; i < 5; i++) put('mcp_trust_signals', i, i === 3 ? rng.int(0, 20) : rng.next());
  for (let i = 0; i < 4; i++) put('grounding_metrics', i, rng.next());
  put('novelty_score', 3, rng.next());
  put('human_oversight_state', 0, rng.bool(0.6) ? 1 : 0);
  put('human_oversight_state', 1, rng.int(0, 60000));
  for (let i = 0; i < 16; i++)
    put('cost_efficiency_metrics', i, i < 4 ? rng.int(0, 200000) : rng.next() * 10);
  if (rng.bool(0.3)) {
    // A host with hardware counters: small clamp01 values, occasional watchdog strikes.
    put('memory_timing_histograms', 0, rng.next());
    put('memory_timing_histograms', 1, rng.next());
    put('watchdog_signals', 0, rng.bool(0.15) ? rng.int(3, 5) / 5 : rng.int(0, 2) / 5);
    put('network_telemetry', 0, rng.next() * 0.5);
    put('thermal_ecc_drift', 0, 0.3 + rng.next() * 0.6);
  }
  return x;
}

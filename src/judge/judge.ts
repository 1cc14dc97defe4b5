import type { JudgeRecord, Verdict } from '../core/decision.js';

/**
 * The judge consulted by pipeline step 340 for grey-zone calls (DESIGN.md, "Decision" flow). Implementations:
 * CpuJudge (the golden model) and FpgaJudge (the device, falling back to the CPU with identical outputs).
 */
export interface JudgeInput {
  /** The ATV-2080-v1 vector of the call (float32, layout src/atv/layout.ts). */
  atv: Float32Array;
}

export type JudgeEngine = 'cpu' | 'fpga';

export interface JudgeAttribution {
  subfield: string;
  value: number;
}

export interface JudgeDecision {
  verdict: Verdict;
  /** 0..1 (the integer confidence / 255). */
  confidence: number;
  logits: number[];
  /** 30 entries in layout order; they sum exactly to logits[verdict] - b2[verdict] (integer units). */
  attribution: JudgeAttribution[];
  /** SHA3-256 of the model file; stamped in the audit record. */
  model_hash: string;
  /** Which engine produced this decision. */
  engine: JudgeEngine;
  /** For engine 'fpga': the transport (sim, pty, serial). */
  device?: string;
  /** Device cycles for this inference (engine 'fpga'). */
  cycles?: number;
  /** Why the FPGA judge fell back to the CPU (an error code), when it did. */
  fallback?: string;
}

export interface Judge {
  readonly name: string;
  judge(input: JudgeInput): Promise<JudgeDecision>;
}

/** The fields the decision record carries for a judged call ("the audit record says which ran"). */
export function judgeRecord(d: JudgeDecision): JudgeRecord {
  return {
    judge_engine: d.engine,
    judge_model_hash: d.model_hash,
    judge_verdict: d.verdict,
    judge_confidence: d.confidence,
    ...(d.device === undefined ? {} : { judge_device: d.device }),
    ...(d.fallback === undefined ? {} : { judge_fallback: d.fallback }),
  };
}

import type { Verdict } from '../../core/decision.js';
import { fail } from '../../core/errors.js';
import type { JudgeNetModel } from './model.js';

/** Verdict order of the three logits (the pipeline's decisions). */
export const VERDICTS = ['ALLOW', 'BLOCK', 'REQUIRE_APPROVAL'] as const satisfies readonly Verdict[];

/** What one inference produces; the RTL, the cycle model and this reference produce it bit for bit. */
export interface JudgeNetOutput {
  /** The three int32 logits (bias included). */
  logits: Int32Array;
  /** Index into VERDICTS: argmax of the logits, lowest index on a tie. */
  verdict: number;
  /** 0..255: min(255, (top - second) >> conf_shift). */
  confidence: number;
  /** One int32 per subfield; sums exactly to logits[verdict] - b2[verdict]. */
  attribution: Int32Array;
}

/** Hidden requantisation of a per-subfield partial sum: (p*M + 2^(S-1)) >> S, arithmetic shift. */
export function requant(p: number, mult: number, shift: number): number {
  // p*M < 2^47 so the float64 product and the power-of-two division are exact; floor = arithmetic shift.
  return Math.floor((p * mult + 2 ** (shift - 1)) / 2 ** shift) | 0;
}

/**
 * The golden model: integer JudgeNet inference on an int8 input (docs/fpga.md, "Arithmetic").
 *  1. p[h][s] = sum_{i in s} W1[h][i] * x[i]       (int32; the partial sums the hardware keeps per subfield)
 *  2. q[h][s] = requant(p[h][s]);  y[h] = max(0, sum_s q[h][s])   (ReLU)
 *  3. logit[o] = b2[o] + sum_h W2[o][h] * y[h]
 *  4. verdict = argmax, confidence = min(255, (top - second) >> C)
 *  5. attribution[s] = sum_{h: y[h] > 0} W2[v][h] * q[h][s], so sum_s attribution[s] = logit[v] - b2[v] exactly.
 * The model's worst-case bounds (model.ts) guarantee no int32 accumulator wraps; `| 0` mirrors the RTL widths.
 */
export function inferReference(m: JudgeNetModel, xq: Int8Array): JudgeNetOutput {
  if (xq.length !== m.inputDim)
    fail('JUDGE_INPUT_INVALID', `input has ${xq.length} bytes, the model expects ${m.inputDim}`);
  const ends = subfieldEnds(m);
  const nSub = ends.length;
  const H = m.hidden;
  const D = m.inputDim;
  const q = new Int32Array(H * nSub);
  const y = new Int32Array(H);
  const w1 = m.w1;
  // requant() inlined with its constants hoisted: this loop is the whole cost of an inference.
  const mult = m.requantMult;
  const half = 2 ** (m.requantShift - 1);
  const div = 2 ** m.requantShift;
  for (let h = 0; h < H; h++) {
    const row = h * D;
    let i = 0;
    let acc = 0;
    for (let s = 0; s < nSub; s++) {
      const end = ends[s] as number;
      let p = 0;
      for (; i < end; i++) p += (w1[row + i] as number) * (xq[i] as number);
      const qs = Math.floor(((p | 0) * mult + half) / div) | 0;
      q[h * nSub + s] = qs;
      acc = (acc + qs) | 0;
    }
    y[h] = acc > 0 ? acc : 0;
  }
  const logits = new Int32Array(m.outputs);
  for (let o = 0; o < m.outputs; o++) {
    let acc = m.b2[o] as number;
    for (let h = 0; h < H; h++) acc = (acc + Math.imul(m.w2[o * H + h] as number, y[h] as number)) | 0;
    logits[o] = acc;
  }
  const { verdict, confidence } = decide(logits, m.confShift);
  const attribution = new Int32Array(nSub);
  for (let s = 0; s < nSub; s++) {
    let acc = 0;
    for (let h = 0; h < H; h++) {
      if ((y[h] as number) > 0)
        acc = (acc + Math.imul(m.w2[verdict * H + h] as number, q[h * nSub + s] as number)) | 0;
    }
    attribution[s] = acc;
  }
  return { logits, verdict, confidence, attribution };
}

const ENDS = new WeakMap<JudgeNetModel, Int32Array>();

/** Exclusive end offset of each subfield, cached per model. */
function subfieldEnds(m: JudgeNetModel): Int32Array {
  let e = ENDS.get(m);
  if (e === undefined) {
    let off = 0;
    e = Int32Array.from(m.subfieldLengths, (len) => (off += len));
    ENDS.set(m, e);
  }
  return e;
}

/** Argmax (lowest index wins a tie) and the margin confidence, exactly as the RTL's DECIDE state. */
export function decide(logits: Int32Array, confShift: number): { verdict: number; confidence: number } {
  const l0 = logits[0] as number;
  const l1 = logits[1] as number;
  const l2 = logits[2] as number;
  let verdict = 0;
  let top = l0;
  if (l1 > top) {
    verdict = 1;
    top = l1;
  }
  if (l2 > top) {
    verdict = 2;
    top = l2;
  }
  const second = verdict === 0 ? Math.max(l1, l2) : verdict === 1 ? Math.max(l0, l2) : Math.max(l0, l1);
  // top - second fits in 33 bits; float64 is exact and the shift is a floor division.
  const conf = Math.floor((top - second) / 2 ** confShift);
  return { verdict, confidence: conf > 255 ? 255 : conf };
}

export function outputsEqual(a: JudgeNetOutput, b: JudgeNetOutput): boolean {
  if (a.verdict !== b.verdict || a.confidence !== b.confidence) return false;
  if (a.logits.length !== b.logits.length || a.attribution.length !== b.attribution.length) return false;
  for (let i = 0; i < a.logits.length; i++) if (a.logits[i] !== b.logits[i]) return false;
  for (let i = 0; i < a.attribution.length; i++) if (a.attribution[i] !== b.attribution[i]) return false;
  return true;
}

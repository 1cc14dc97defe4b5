import { quantiseInput, type InputScaling } from '../judgenet/quantise.js';
import { worstCaseBounds, type JudgeNetModel } from '../judgenet/model.js';
import { inferReference } from '../judgenet/reference.js';
import type { FloatMlp } from './mlp.js';

/** Per-subfield exponents: the largest e with max|x| * 2^e <= 127 over the calibration set, within -16..16. */
export function chooseExponents(lengths: readonly number[], xs: Float32Array[]): number[] {
  let off = 0;
  return lengths.map((len) => {
    let max = 0;
    for (const x of xs) for (let i = off; i < off + len; i++) max = Math.max(max, Math.abs(x[i] ?? 0));
    off += len;
    if (max === 0) return 0;
    return Math.max(-16, Math.min(16, Math.floor(Math.log2(127 / max))));
  });
}

/**
 * Turns the float model (trained on x_q / 128) into the integer model (docs/fpga.md, "Quantisation"):
 * W1 and W2 to int8 with one scale each, the hidden requantisation ratio r = M / 2^S as large as the int32
 * worst-case bound allows, b2 at the logit scale, and the confidence shift from the calibration margins.
 */
export function quantiseMlp(
  f: FloatMlp,
  lengths: readonly number[],
  exps: number[],
  calib: Int8Array[],
): JudgeNetModel {
  const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const sw1 = 127 / maxAbs(f.w1);
  const sw2 = 127 / maxAbs(f.w2);
  const w1 = Int8Array.from(f.w1, (v) => Math.max(-127, Math.min(127, Math.round(v * sw1))));
  const w2 = Int8Array.from(f.w2, (v) => Math.max(-127, Math.min(127, Math.round(v * sw2))));
  const base = {
    inputDim: f.inputDim,
    hidden: f.hidden,
    outputs: 3,
    subfieldLengths: [...lengths],
    inputExponents: exps,
    w1,
    w2,
    confShift: 0,
  };
  // With M / 2^S = 1 the bound is B1; the ratio that keeps every int8 input inside int32 is about 2^31 / B1.
  const probe: JudgeNetModel = { ...base, requantMult: 1, requantShift: 1, b2: new Int32Array(3) };
  const b1 = worstCaseBounds(probe).logit * 2;
  const r = Math.min(1, (0.9 * 2 ** 31) / Math.max(1, b1));
  const shift = Math.min(40, Math.floor(Math.log2(32767 / r)));
  let mult = Math.min(32767, Math.round(r * 2 ** shift));
  // hidden units of y_int = y_float * 128 * sw1 * r; logits gain sw2 on top.
  const logitScale = (m: number): number => 128 * sw1 * (m / 2 ** shift) * sw2;
  let model: JudgeNetModel;
  for (;;) {
    const b2 = Int32Array.from(f.b2, (v) => Math.round(v * logitScale(mult)));
    model = { ...base, requantMult: mult, requantShift: shift, b2 };
    if (worstCaseBounds(model).logit <= 2 ** 31 - 1 || mult <= 1) break;
    mult = Math.floor(mult * 0.95);
  }
  const margins = calib.map((x) => {
    const l = [...inferReference(model, x).logits].sort((a, b) => b - a);
    return (l[0] as number) - (l[1] as number);
  });
  margins.sort((a, b) => a - b);
  const p95 = margins[Math.floor(margins.length * 0.95)] ?? 255;
  const confShift = Math.max(0, Math.min(31, Math.ceil(Math.log2(Math.max(1, p95) / 255))));
  return { ...model, confShift };
}

export function quantiseAll(model: InputScaling, xs: Float32Array[]): Int8Array[] {
  return xs.map((x) => quantiseInput(model, x));
}

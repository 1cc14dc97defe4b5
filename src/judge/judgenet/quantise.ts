import { fail } from '../../core/errors.js';
import type { JudgeNetModel } from './model.js';

/**
 * Per-subfield int8 quantisation of an ATV-2080-v1 vector (docs/fpga.md, "Arithmetic"):
 * x_q[i] = clamp(roundHalfAwayFromZero(x[i] * 2^e_s), -128, 127) for i in subfield s; NaN -> 0.
 * Multiplying a float32 by a power of two is exact in float64, so the result is the same on every host.
 * The device receives x_q (2,080 bytes), never floats: a quarter of the wire bytes and no float logic.
 */
export type InputScaling = Pick<JudgeNetModel, 'inputDim' | 'subfieldLengths' | 'inputExponents'>;

export function quantiseInput(model: InputScaling, x: Float32Array): Int8Array {
  if (x.length !== model.inputDim)
    fail('JUDGE_INPUT_INVALID', `input has ${x.length} dimensions, the model expects ${model.inputDim}`);
  const out = new Int8Array(model.inputDim);
  let i = 0;
  model.subfieldLengths.forEach((len, s) => {
    const scale = 2 ** (model.inputExponents[s] ?? 0);
    for (const end = i + len; i < end; i++) out[i] = quantiseScalar((x[i] ?? 0) * scale);
  });
  return out;
}

export function quantiseScalar(v: number): number {
  if (Number.isNaN(v)) return 0;
  const r = v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
  return r > 127 ? 127 : r < -128 ? -128 : r;
}

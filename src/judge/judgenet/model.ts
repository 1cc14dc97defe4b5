import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { sha3_256Hex } from '../../crypto/hash.js';

/**
 * JudgeNet model file, format "AJN1" (docs/fpga.md, "Model file"). All integers little-endian.
 *
 *   0  magic "AJN1"            4 B
 *   4  version = 1             u16
 *   6  input_dim (2080)        u16
 *   8  hidden H                u16
 *  10  n_subfields (30)        u8
 *  11  n_outputs (3)           u8
 *  12  requant_mult M          u16   hidden requantisation q = (p*M + 2^(S-1)) >> S
 *  14  requant_shift S         u8    1..40
 *  15  conf_shift C            u8    confidence = min(255, (top - second) >> C)
 *  16  subfield lengths        n_subfields x u16 (must sum to input_dim)
 *  ..  input exponents e_s     n_subfields x i8  (x_q = clamp(round(x * 2^e_s)))
 *  ..  W1                      H x input_dim int8, row h = weights of hidden unit h
 *  ..  W2                      n_outputs x H int8
 *  ..  b2                      n_outputs x int32
 *
 * The hidden layer has no bias on purpose: with per-subfield requantisation the hidden activation is an exact
 * sum of 30 per-subfield terms, which is what makes the attribution sum exactly (judgenet/reference.ts).
 * model_hash = SHA3-256 of the whole file, stamped in every audit record the judge decides.
 */
export interface JudgeNetModel {
  readonly inputDim: number;
  readonly hidden: number;
  readonly outputs: number;
  readonly subfieldLengths: readonly number[];
  readonly inputExponents: readonly number[];
  readonly requantMult: number;
  readonly requantShift: number;
  readonly confShift: number;
  /** hidden x inputDim, row-major. */
  readonly w1: Int8Array;
  /** outputs x hidden, row-major. */
  readonly w2: Int8Array;
  readonly b2: Int32Array;
}

export const MODEL_MAGIC = 'AJN1';
export const MODEL_VERSION = 1;
const HEADER_BYTES = 16;

export function serializeModel(m: JudgeNetModel): Uint8Array {
  checkModel(m);
  const w = new ByteWriter();
  w.bytes(new TextEncoder().encode(MODEL_MAGIC)).u16le(MODEL_VERSION).u16le(m.inputDim).u16le(m.hidden);
  w.u8(m.subfieldLengths.length).u8(m.outputs).u16le(m.requantMult).u8(m.requantShift).u8(m.confShift);
  for (const len of m.subfieldLengths) w.u16le(len);
  for (const e of m.inputExponents) w.u8(e & 0xff);
  w.bytes(new Uint8Array(m.w1.buffer, m.w1.byteOffset, m.w1.byteLength));
  w.bytes(new Uint8Array(m.w2.buffer, m.w2.byteOffset, m.w2.byteLength));
  for (const b of m.b2) w.u32le(b >>> 0);
  return w.finish();
}

/** Parses a model file; every structural problem is MODEL_INVALID (truncation keeps PARSE_TRUNCATED). */
export function parseModel(bytes: Uint8Array): JudgeNetModel {
  const r = new ByteReader(bytes, 'JudgeNet model');
  const magic = new TextDecoder().decode(r.bytes(4, 'magic'));
  if (magic !== MODEL_MAGIC) fail('MODEL_INVALID', `not a JudgeNet model (magic ${JSON.stringify(magic)})`);
  const version = r.u16le('version');
  if (version !== MODEL_VERSION) fail('MODEL_INVALID', `unsupported model version ${version}`);
  const inputDim = r.u16le('input_dim');
  const hidden = r.u16le('hidden');
  const nSub = r.u8('n_subfields');
  const outputs = r.u8('n_outputs');
  const requantMult = r.u16le('requant_mult');
  const requantShift = r.u8('requant_shift');
  const confShift = r.u8('conf_shift');
  const subfieldLengths: number[] = [];
  for (let i = 0; i < nSub; i++) subfieldLengths.push(r.u16le('subfield_length'));
  const inputExponents: number[] = [];
  for (let i = 0; i < nSub; i++) inputExponents.push((r.u8('input_exponent') << 24) >> 24);
  const w1 = Int8Array.from(r.bytes(hidden * inputDim, 'W1'), (b) => (b << 24) >> 24);
  const w2 = Int8Array.from(r.bytes(outputs * hidden, 'W2'), (b) => (b << 24) >> 24);
  const b2 = new Int32Array(outputs);
  for (let o = 0; o < outputs; o++) b2[o] = r.u32le('b2') | 0;
  if (r.remaining !== 0) fail('MODEL_INVALID', `${r.remaining} trailing bytes after the model`);
  const m: JudgeNetModel = {
    inputDim,
    hidden,
    outputs,
    subfieldLengths,
    inputExponents,
    requantMult,
    requantShift,
    confShift,
    w1,
    w2,
    b2,
  };
  checkModel(m);
  return m;
}

function checkModel(m: JudgeNetModel): void {
  const sum = m.subfieldLengths.reduce((a, b) => a + b, 0);
  if (sum !== m.inputDim) fail('MODEL_INVALID', `subfield lengths sum to ${sum}, input_dim is ${m.inputDim}`);
  if (m.subfieldLengths.some((l) => l < 1)) fail('MODEL_INVALID', 'a subfield has length 0');
  if (m.inputExponents.length !== m.subfieldLengths.length)
    fail('MODEL_INVALID', 'one exponent per subfield');
  if (m.inputExponents.some((e) => e < -16 || e > 16))
    fail('MODEL_INVALID', 'input exponent outside -16..16');
  if (m.outputs !== 3) fail('MODEL_INVALID', `JudgeNet has 3 verdict logits, not ${m.outputs}`);
  if (m.hidden < 1 || m.hidden > 1024) fail('MODEL_INVALID', `hidden size ${m.hidden} outside 1..1024`);
  if (m.requantShift < 1 || m.requantShift > 40)
    fail('MODEL_INVALID', `requant_shift ${m.requantShift} outside 1..40`);
  if (m.confShift > 31) fail('MODEL_INVALID', `conf_shift ${m.confShift} outside 0..31`);
  if (
    m.w1.length !== m.hidden * m.inputDim ||
    m.w2.length !== m.outputs * m.hidden ||
    m.b2.length !== m.outputs
  )
    fail('MODEL_INVALID', 'weight array sizes do not match the header');
  const bound = worstCaseBounds(m);
  if (bound.logit > 2 ** 31 - 1)
    fail('MODEL_RANGE', `an int8 input could overflow the int32 logit accumulator (bound ${bound.logit})`);
}

/**
 * Worst-case magnitudes over every int8 input, so int32 accumulators never wrap (the RTL and the cycle model
 * use the same widths). |p| <= 128 * sum|w|; |q| <= (|p|*M + 2^(S-1)) >> S; logits add |W2| * sum q.
 */
export function worstCaseBounds(m: JudgeNetModel): { partial: number; hidden: number; logit: number } {
  let partial = 0;
  let hidden = 0;
  const hiddenPer: number[] = [];
  for (let h = 0; h < m.hidden; h++) {
    let off = 0;
    let y = 0;
    for (const len of m.subfieldLengths) {
      let s = 0;
      for (let i = 0; i < len; i++) s += Math.abs(m.w1[h * m.inputDim + off + i] ?? 0);
      const p = 128 * s;
      partial = Math.max(partial, p);
      y += Math.floor((p * m.requantMult + 2 ** (m.requantShift - 1)) / 2 ** m.requantShift);
      off += len;
    }
    hiddenPer.push(y);
    hidden = Math.max(hidden, y);
  }
  let logit = 0;
  for (let o = 0; o < m.outputs; o++) {
    let l = Math.abs(m.b2[o] ?? 0);
    for (let h = 0; h < m.hidden; h++) l += Math.abs(m.w2[o * m.hidden + h] ?? 0) * (hiddenPer[h] ?? 0);
    logit = Math.max(logit, l);
  }
  return { partial, hidden, logit };
}

export function modelHash(bytes: Uint8Array): string {
  return sha3_256Hex(bytes);
}

/** Subfield start offsets derived from the lengths. */
export function subfieldOffsets(m: Pick<JudgeNetModel, 'subfieldLengths'>): number[] {
  const out: number[] = [];
  let off = 0;
  for (const len of m.subfieldLengths) {
    out.push(off);
    off += len;
  }
  return out;
}

export const MODEL_HEADER_BYTES = HEADER_BYTES;

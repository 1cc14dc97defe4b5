import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha3_256Hex } from '#crypto/hash.js';
import { modelHash, parseModel, serializeModel, type JudgeNetModel } from '#judge/judgenet/model.js';
import { quantiseInput, quantiseScalar } from '#judge/judgenet/quantise.js';
import { decide, inferReference, requant } from '#judge/judgenet/reference.js';
import { Prng } from '#judge/train/prng.js';
import { repoRoot } from '../helpers/fixtures.js';

const modelBytes = new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h32.ajn')));
const model = parseModel(modelBytes);

function randomInput(seed: number): Int8Array {
  const rng = new Prng(seed);
  return Int8Array.from({ length: model.inputDim }, () => rng.int(-128, 127));
}

describe('JudgeNet model file', () => {
  it('round-trips byte for byte and hashes with SHA3-256 of the file', () => {
    expect(serializeModel(model)).toEqual(modelBytes);
    expect(modelHash(modelBytes)).toBe(sha3_256Hex(modelBytes));
    expect(model.hidden).toBe(32);
    expect(model.subfieldLengths.reduce((a, b) => a + b, 0)).toBe(2080);
  });

  it('rejects a wrong magic, a truncated file and trailing bytes with stable codes', () => {
    const bad = modelBytes.slice();
    bad[0] = 0x58;
    expect(() => parseModel(bad)).toThrowError(expect.objectContaining({ code: 'MODEL_INVALID' }));
    expect(() => parseModel(modelBytes.subarray(0, 100))).toThrowError(
      expect.objectContaining({ code: 'PARSE_TRUNCATED' }),
    );
    const long = new Uint8Array(modelBytes.length + 1);
    long.set(modelBytes);
    expect(() => parseModel(long)).toThrowError(expect.objectContaining({ code: 'MODEL_INVALID' }));
  });

  it('refuses a model whose int32 logits could overflow on some int8 input', () => {
    const big: JudgeNetModel = { ...model, requantMult: 65535, requantShift: 1 };
    expect(() => serializeModel(big)).toThrowError(expect.objectContaining({ code: 'MODEL_RANGE' }));
  });
});

describe('JudgeNet integer arithmetic', () => {
  it('quantises per subfield with round-half-away-from-zero, clamping and NaN -> 0', () => {
    expect([0.5, -0.5, 1.49, -1.5, 127.6, -300, Number.NaN, Infinity].map(quantiseScalar)).toEqual([
      1, -1, 1, -2, 127, -128, 0, 127,
    ]);
    const x = new Float32Array(2080).fill(1);
    const q = quantiseInput(model, x);
    let off = 0;
    model.subfieldLengths.forEach((len, s) => {
      expect(q[off]).toBe(quantiseScalar(2 ** (model.inputExponents[s] ?? 0)));
      off += len;
    });
    expect(() => quantiseInput(model, new Float32Array(10))).toThrowError(
      expect.objectContaining({ code: 'JUDGE_INPUT_INVALID' }),
    );
  });

  it('requantises with add-half and an arithmetic shift (floor) for both signs', () => {
    expect(requant(3, 1, 1)).toBe(2); // (3 + 1) >> 1
    expect(requant(-3, 1, 1)).toBe(-1); // (-3 + 1) >> 1 = floor(-1)
    expect(requant(-4, 1, 2)).toBe(-1); // (-4 + 2) >> 2 = floor(-0.5)
    expect(requant(1000, 16384, 14)).toBe(1000);
  });

  it('argmax breaks ties toward the lower index; confidence is the shifted margin, capped at 255', () => {
    expect(decide(Int32Array.of(5, 5, 1), 0)).toEqual({ verdict: 0, confidence: 0 });
    expect(decide(Int32Array.of(1, 9, 9), 0)).toEqual({ verdict: 1, confidence: 0 });
    expect(decide(Int32Array.of(-10, -20, 30), 2)).toEqual({ verdict: 2, confidence: 10 });
    expect(decide(Int32Array.of(0, 100000, 0), 0).confidence).toBe(255);
  });

  it('attribution sums exactly to the winning logit minus its bias (property over random int8 inputs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const o = inferReference(model, randomInput(seed));
        const sum = o.attribution.reduce((a, b) => a + b, 0);
        expect(o.attribution.length).toBe(30);
        expect(sum).toBe((o.logits[o.verdict] as number) - (model.b2[o.verdict] as number));
        expect(o.logits[o.verdict]).toBe(Math.max(...o.logits));
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic and sensitive to the input', () => {
    const x = randomInput(3);
    expect(inferReference(model, x)).toEqual(inferReference(model, x));
    const y = x.slice();
    y[1750] = 127;
    y[1751] = -128;
    expect(inferReference(model, y).attribution).not.toEqual(inferReference(model, x).attribution);
  });
});

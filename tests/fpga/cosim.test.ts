import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelHash, parseModel, serializeModel } from '#judge/judgenet/model.js';
import { cosim } from '#firmware-sim/fpga/cosim.js';
import { haveCommand, repoRoot } from '../helpers/fixtures.js';

// A small lock-step cosim on every CI run (the >= 10,000-vector runs are `aegis fpga cosim --n 10000`, docs/fpga.md).
const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h8.ajn')));
const model = parseModel(bytes);
const hash = modelHash(bytes);

describe.skipIf(!haveCommand('iverilog'))('RTL cosim with iverilog', () => {
  it('agrees bit for bit and cycle for cycle (lanes 64 and 13)', async () => {
    for (const lanes of [64, 13]) {
      const r = await cosim(model, hash, { sim: 'iverilog', lanes, n: 6, seed: 3 });
      expect(r.mismatch).toBeNull();
      expect(r.agreed).toBe(6);
    }
  });

  it('agrees with a non-trivial requantisation ratio (M / 2^S = 23170 / 2^17) and a confidence shift', async () => {
    const variant = { ...model, requantMult: 23170, requantShift: 17, confShift: 3 };
    const r = await cosim(variant, modelHash(serializeModel(variant)), {
      sim: 'iverilog',
      lanes: 16,
      n: 6,
      seed: 8,
    });
    expect(r.mismatch).toBeNull();
    expect(r.agreed).toBe(6);
  });

  it('reports the first mismatching cycle, signal and both values when the RTL differs', async () => {
    const w1 = model.w1.slice();
    // Dimension 1700 lies in subfield 9 (output_content_fingerprint); change it in every hidden unit.
    for (let h = 0; h < model.hidden; h++)
      w1[h * model.inputDim + 1700] = ((w1[h * model.inputDim + 1700] as number) + 9) & 0x3f;
    const faulty = { ...model, w1 };
    const r = await cosim(model, hash, {
      sim: 'iverilog',
      lanes: 64,
      n: 2,
      seed: 4,
      rtlModel: { model: faulty, hash: 'f'.repeat(64) },
    });
    expect(r.mismatch).not.toBeNull();
    expect(r.mismatch?.index).toBe(0);
    expect(r.mismatch?.signal).toBe('q[9][0]');
    expect(r.mismatch?.cycle).toBeGreaterThan(1700);
    expect(r.mismatch?.rtl).not.toBe(r.mismatch?.model);
  });
});

describe.skipIf(!haveCommand('verilator'))('RTL cosim with Verilator', () => {
  it('agrees bit for bit and cycle for cycle (lanes 8)', async () => {
    const r = await cosim(model, hash, { sim: 'verilator', lanes: 8, n: 40, seed: 5 });
    expect(r.mismatch).toBeNull();
    expect(r.agreed).toBe(40);
  });
});

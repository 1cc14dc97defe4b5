import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel } from '#judge/judgenet/model.js';
import { inferReference } from '#judge/judgenet/reference.js';
import { cosimVectors } from '#firmware-sim/fpga/cosim.js';
import { JudgeCoreModel, type TraceEvent } from '#firmware-sim/fpga/cycle-model.js';
import { chunks, cyclesPerInference, LANE_SETTINGS } from '#firmware-sim/fpga/schedule.js';
import { repoRoot } from '../helpers/fixtures.js';

const model = parseModel(new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h32.ajn'))));
const vectors = cosimVectors(model, 12, 5);

describe('cycle model', () => {
  it.each(LANE_SETTINGS)(
    'lanes %i: bit-exact with the golden model, cycles equal the closed form',
    (lanes) => {
      const core = new JudgeCoreModel(model, lanes);
      for (const x of vectors) {
        const r = core.run(x);
        const ref = inferReference(model, x);
        expect({ ...r, cycles: undefined }).toEqual({ ...ref, cycles: undefined });
        expect(r.cycles).toBe(cyclesPerInference(model, lanes));
      }
    },
  );

  it('cuts subfields into lane-wide chunks (8 lanes: 768 dims -> 96 chunks; 512 lanes: 32 chunks)', () => {
    expect(chunks(model, 8).filter((c) => c.subfield === 0)).toHaveLength(96);
    expect(chunks(model, 512)).toHaveLength(32);
    expect(cyclesPerInference(model, 512)).toBe(2080 + 32 * 32 + 3 * 32 + 1 + 30 * 32);
  });

  it('traces one q write per hidden unit and subfield, in schedule order', () => {
    const ev: TraceEvent[] = [];
    new JudgeCoreModel(model, 64).run(vectors[1] as Int8Array, (e) => ev.push(e));
    const q = ev.filter((e) => e.signal.startsWith('q['));
    expect(q).toHaveLength(30 * 32);
    expect(
      q.every(
        (e, i) => i === 0 || e.cycle === (q[i - 1] as TraceEvent).cycle + 1 || e.signal.endsWith('[0]'),
      ),
    ).toBe(true);
    expect(ev.filter((e) => e.signal.startsWith('attr['))).toHaveLength(30);
  });

  it('rejects a bad lane count with a stable code', () => {
    expect(() => new JudgeCoreModel(model, 0)).toThrowError(
      expect.objectContaining({ code: 'FPGA_LANES_INVALID' }),
    );
  });
});

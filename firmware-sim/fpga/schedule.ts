import type { JudgeNetModel } from '#judge/judgenet/model.js';

/** One MAC chunk: up to LANES consecutive input bytes inside one subfield (fpga/rtl/judge_core.v). */
export interface Chunk {
  subfield: number;
  start: number;
  length: number;
  lastOfSubfield: boolean;
}

/** The chunk sequence for a lane setting: each subfield is cut into ceil(len / LANES) chunks. */
export function chunks(model: Pick<JudgeNetModel, 'subfieldLengths'>, lanes: number): Chunk[] {
  const out: Chunk[] = [];
  let off = 0;
  model.subfieldLengths.forEach((len, s) => {
    for (let o = 0; o < len; o += lanes)
      out.push({
        subfield: s,
        start: off + o,
        length: Math.min(lanes, len - o),
        lastOfSubfield: o + lanes >= len,
      });
    off += len;
  });
  return out;
}

/**
 * Closed form of the core's schedule with a byte offered every cycle (docs/fpga.md, "Schedule"):
 * DIM receive cycles + NCHUNK*H MAC cycles + 3*H output-layer cycles + 1 decide cycle + NSUB*H attribution cycles.
 */
export function cyclesPerInference(
  model: Pick<JudgeNetModel, 'subfieldLengths' | 'hidden' | 'inputDim'>,
  lanes: number,
): number {
  const H = model.hidden;
  return model.inputDim + chunks(model, lanes).length * H + 3 * H + 1 + model.subfieldLengths.length * H;
}

export const LANE_SETTINGS = [8, 16, 32, 64, 128, 256, 512] as const;

export function checkLanes(lanes: number): boolean {
  return Number.isInteger(lanes) && lanes >= 1 && lanes <= 1024;
}

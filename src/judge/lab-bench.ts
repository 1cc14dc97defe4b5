import { fail } from '../core/errors.js';
import type { FpgaLink } from '../device/fpga.js';
import type { JudgeNetModel } from './judgenet/model.js';
import { inferReference, outputsEqual } from './judgenet/reference.js';

/** The figures `aegis fpga bench --json` prints (issue 7, "Lab CLI"). */
export interface LabBenchReport {
  device: string;
  lanes: number;
  clock_mhz: number;
  cycles_per_inference: number;
  device_latency_us: number;
  transport_us: number;
  end_to_end_us: number;
  throughput_per_s: number;
  deterministic: boolean;
  agreement: number;
  model_hash: string;
  n: number;
  cpu_reference_us: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor(s.length / 2)] as number);
};

/**
 * Measures a device the way ../shared/reference/hardware-interfaces.md §0 asks: device compute from the device's
 * own cycle counter (cycles / clock), end-to-end wall time per request, transport = end-to-end - device time.
 * Every vector is sent twice: the two answers must be bit-identical (determinism) and equal to the CPU
 * golden model (agreement). Figures are medians; one request in flight.
 */
export async function labBench(
  link: FpgaLink,
  device: string,
  model: JudgeNetModel,
  modelHash: string,
  vectors: Int8Array[],
  clockMhz: number | undefined,
): Promise<LabBenchReport> {
  const info = await link.info();
  if (info.modelHash !== modelHash)
    fail(
      'FPGA_MODEL_MISMATCH',
      `device runs model ${info.modelHash.slice(0, 16)}…, the host has ${modelHash.slice(0, 16)}…`,
      {
        device_model_hash: info.modelHash,
        model_hash: modelHash,
      },
    );
  const clock = clockMhz ?? info.clockKhz / 1000;
  if (!(clock > 0)) fail('FPGA_USAGE', 'the clock must be a positive number of MHz');
  const e2e: number[] = [];
  const cycles: number[] = [];
  const cpu: number[] = [];
  let deterministic = true;
  let agree = 0;
  // Warm-up (JIT, port buffers) is not measured.
  for (const x of vectors.slice(0, 5)) {
    inferReference(model, x);
    await link.infer(x);
  }
  for (const x of vectors) {
    const t0 = process.hrtime.bigint();
    const ref = inferReference(model, x);
    cpu.push(Number(process.hrtime.bigint() - t0) / 1e3);
    const a = await timed(link, x, e2e);
    const b = await timed(link, x, e2e);
    cycles.push(a.cycles, b.cycles);
    if (!outputsEqual(a, b) || a.cycles !== b.cycles) deterministic = false;
    if (outputsEqual(a, ref) && outputsEqual(b, ref)) agree++;
  }
  const cyc = median(cycles);
  const deviceUs = cyc / clock;
  const endToEnd = median(e2e);
  return {
    device,
    lanes: info.lanes,
    clock_mhz: clock,
    cycles_per_inference: cyc,
    device_latency_us: round3(deviceUs),
    transport_us: round3(Math.max(0, endToEnd - deviceUs)),
    end_to_end_us: round3(endToEnd),
    throughput_per_s: round3(endToEnd > 0 ? 1e6 / endToEnd : 0),
    deterministic: deterministic && new Set(cycles).size <= 1,
    agreement: vectors.length === 0 ? 0 : agree / vectors.length,
    model_hash: info.modelHash,
    n: vectors.length,
    cpu_reference_us: round3(median(cpu)),
  };
}

async function timed(
  link: FpgaLink,
  x: Int8Array,
  into: number[],
): Promise<Awaited<ReturnType<FpgaLink['infer']>>> {
  const t0 = process.hrtime.bigint();
  const r = await link.infer(x);
  into.push(Number(process.hrtime.bigint() - t0) / 1e3);
  return r;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

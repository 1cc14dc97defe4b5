/**
 * FPGA judge benchmark (issue 7): CPU golden model µs per inference, cycle-model speed (simulated cycles/s), cycles
 * per inference for lanes 8 … 512 with device latency at a clock, and transport versus device time over the pty
 * bridge. Run: npm run bench -- fpga   (or node --import tsx bench/fpga.ts). The last stdout line is one JSON
 * object; ratios are against the CPU reference measured in the same run. Anchors:
 * ../shared/reference/hardware-interfaces.md §0 (hls4ml ~100 ns for small MLPs; int8 C/AVX2 CPU ≈ 7 µs at 2080→64→32).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelHash, parseModel } from '#judge/judgenet/model.js';
import { quantiseInput } from '#judge/judgenet/quantise.js';
import { inferReference } from '#judge/judgenet/reference.js';
import { Prng } from '#judge/train/prng.js';
import { syntheticAtv } from '#judge/train/synthetic-atv.js';
import { openSerialTransport } from '#drivers/fpga/serial-transport.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { cosimVectors } from '#firmware-sim/fpga/cosim.js';
import { JudgeCoreModel } from '#firmware-sim/fpga/cycle-model.js';
import { startPtyBoard } from '#firmware-sim/fpga/pty-bridge.js';
import { fpgaDir } from '#firmware-sim/fpga/rtl-build.js';
import { LANE_SETTINGS } from '#firmware-sim/fpga/schedule.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';
import { encodeFrame } from '#fpga/protocol/frame.js';
import { encodeInferBody } from '#fpga/protocol/messages.js';
import { labBench } from '#judge/lab-bench.js';

const CLOCK_MHZ = 100;
const modelPath = join(fpgaDir, 'model', 'judgenet-h32.ajn');
const bytes = new Uint8Array(readFileSync(modelPath));
const model = parseModel(bytes);
const hash = modelHash(bytes);
const vectors = cosimVectors(model, 200, 42);
const now = (): number => Number(process.hrtime.bigint()) / 1e3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const r2 = (v: number): number => Math.round(v * 100) / 100;

// 1. CPU golden model (int8 input already quantised), and with quantisation from the float ATV.
for (const x of vectors) inferReference(model, x);
const rounds: number[] = [];
for (let r = 0; r < 7; r++) {
  const t0 = now();
  for (const x of vectors) inferReference(model, x);
  rounds.push((now() - t0) / vectors.length);
}
const cpuUs = median(rounds);
const rng = new Prng(5);
const atvs = Array.from({ length: 200 }, () => syntheticAtv(rng));
const qr: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = now();
  for (const a of atvs) inferReference(model, quantiseInput(model, a));
  qr.push((now() - t0) / atvs.length);
}
const cpuWithQuantUs = median(qr);
console.log(
  `CPU reference: ${r2(cpuUs)} µs/inference (int8 in), ${r2(cpuWithQuantUs)} µs with float->int8 quantisation`,
);

// 2. Cycle model: cycles per inference and simulation speed per lane setting.
const lanes: Record<
  string,
  { cycles: number; device_us: number; sim_cycles_per_s: number; cpu_over_device: number }
> = {};
for (const L of LANE_SETTINGS) {
  const core = new JudgeCoreModel(model, L);
  for (const x of vectors.slice(0, 10)) core.run(x);
  const t0 = now();
  let cycles = 0;
  for (const x of vectors.slice(0, 60)) cycles = core.run(x).cycles;
  const secs = (now() - t0) / 1e6;
  const deviceUs = cycles / CLOCK_MHZ;
  lanes[L] = {
    cycles,
    device_us: r2(deviceUs),
    sim_cycles_per_s: Math.round((60 * cycles) / secs),
    cpu_over_device: r2(cpuUs / deviceUs),
  };
  console.log(
    `lanes ${String(L).padStart(3)}: ${cycles} cycles = ${r2(deviceUs)} µs at ${CLOCK_MHZ} MHz; cycle model ${(lanes[L].sim_cycles_per_s / 1e6).toFixed(2)} M cycles/s`,
  );
}

// 3. Transport versus device time: in-process sim and the pty bridge (serialport <-> simulator child process).
const sim = await labBench(
  new WireFpgaLink('sim', simTransport(new BoardSim(model, hash, 64, CLOCK_MHZ * 1000))),
  'sim',
  model,
  hash,
  vectors.slice(0, 60),
  CLOCK_MHZ,
);
const board = await startPtyBoard(modelPath, 64, CLOCK_MHZ * 1000);
const ptyLink = new WireFpgaLink('pty', await openSerialTransport(board.path));
const pty = await labBench(ptyLink, 'pty', model, hash, vectors.slice(0, 60), CLOCK_MHZ);
await ptyLink.close();
await board.close();
for (const r of [sim, pty])
  console.log(
    `${r.device.padEnd(4)} lanes 64: device ${r.device_latency_us} µs, transport ${r.transport_us} µs, end-to-end ${r.end_to_end_us} µs, ` +
      `agreement ${r.agreement * 100} %, deterministic ${r.deterministic}`,
  );

// 4. What a real UART adds (a pty has no baud rate): wire bytes of one INFER request and reply, 10 bits per byte.
const req = encodeFrame({ opcode: 3, seq: 1, body: new Uint8Array(model.inputDim).fill(1) }).length;
const rep = encodeFrame({
  opcode: 0x83,
  seq: 1,
  body: encodeInferBody(0, inferReference(model, vectors[0] as Int8Array) as never),
}).length;
const wire = (baud: number): number => r2(((req + rep) * 10 * 1e6) / baud);
console.log(
  `UART wire time per inference: ${wire(115200)} µs at 115200 baud, ${wire(3_000_000)} µs at 3 Mbaud (${req}+${rep} bytes)`,
);

console.log(
  JSON.stringify({
    bench: 'fpga',
    model_hash: hash,
    hidden: model.hidden,
    clock_mhz: CLOCK_MHZ,
    cpu_reference_us: r2(cpuUs),
    cpu_reference_with_quantise_us: r2(cpuWithQuantUs),
    lanes,
    sim: {
      device_us: sim.device_latency_us,
      transport_us: sim.transport_us,
      end_to_end_us: sim.end_to_end_us,
      agreement: sim.agreement,
    },
    pty: {
      device_us: pty.device_latency_us,
      transport_us: pty.transport_us,
      end_to_end_us: pty.end_to_end_us,
      transport_over_device: r2(pty.transport_us / pty.device_latency_us),
      agreement: pty.agreement,
      deterministic: pty.deterministic,
    },
    uart_wire_us: { '115200': wire(115200), '3000000': wire(3_000_000) },
    wire_bytes: { request: req, reply: rep },
  }),
);

import { join } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import type { FpgaLink } from '../../device/fpga.js';
import { openSerialTransport } from '#drivers/fpga/serial-transport.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { cosim, cosimVectors } from '#firmware-sim/fpga/cosim.js';
import { startPtyBoard } from '#firmware-sim/fpga/pty-bridge.js';
import { fpgaDir, type RtlSimulator } from '#firmware-sim/fpga/rtl-build.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';
import { synthesise, type SynthTarget } from '#firmware-sim/fpga/synth.js';
import { labBench } from '../../judge/lab-bench.js';
import { modelHash, parseModel, type JudgeNetModel } from '../../judge/judgenet/model.js';
import { action, EXIT_FAILED, EXIT_OK, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputFile } from '../input.js';

/** The model the repository ships (fpga/model, docs/fpga.md "Model file"). */
export const defaultModelPath = (): string => join(fpgaDir, 'model', 'judgenet-h32.ajn');

function loadModel(path: string): { model: JudgeNetModel; hash: string } {
  const bytes = readInputFile(path, 'JudgeNet model');
  return { model: parseModel(bytes), hash: modelHash(bytes) };
}

function intOpt(v: string | undefined, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    fail('FPGA_USAGE', `--${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return n;
}

/** Opens the device named by --device: sim (in-process), pty (simulator child on a pseudo-terminal), serial:PATH. */
async function openDevice(
  spec: string,
  modelPath: string,
  model: JudgeNetModel,
  hash: string,
  lanes: number,
  clockKhz: number,
  baud: number,
): Promise<{ link: FpgaLink; close: () => Promise<void> }> {
  if (spec === 'sim') {
    const link = new WireFpgaLink('sim', simTransport(new BoardSim(model, hash, lanes, clockKhz)));
    return { link, close: () => link.close() };
  }
  if (spec === 'pty') {
    const board = await startPtyBoard(modelPath, lanes, clockKhz, baud);
    try {
      const link = new WireFpgaLink('pty', await openSerialTransport(board.path));
      return { link, close: async () => (await link.close(), await board.close()) };
    } catch (e) {
      await board.close();
      throw e;
    }
  }
  if (spec.startsWith('serial:') && spec.length > 'serial:'.length) {
    const link = new WireFpgaLink(
      'serial',
      await openSerialTransport(spec.slice('serial:'.length), baud > 0 ? baud : undefined),
    );
    return { link, close: () => link.close() };
  }
  return fail('FPGA_USAGE', `--device must be sim, pty or serial:PATH, got ${spec}`);
}

interface BenchOpts {
  device: string;
  lanes?: string;
  clockMhz?: string;
  n?: string;
  model?: string;
  uartBaud?: string;
  json?: boolean;
}

function registerBench(fpga: Command, io: CliIo): void {
  fpga
    .command('bench')
    .description(
      'Benchmark the FPGA judge: device cycles per inference (device counter), device latency at the clock, transport\n' +
        'and end-to-end time, throughput, determinism (each vector twice) and bit-exact agreement with the CPU reference.',
    )
    .option('--device <spec>', 'sim | pty | serial:PATH', 'sim')
    .option('--lanes <n>', 'MAC lanes of the simulated core (sim, pty)', '64')
    .option(
      '--clock-mhz <f>',
      'clock for the device latency (default: the device CLOCK_KHZ register; 100 for sim/pty)',
    )
    .option('--n <n>', 'vectors (each sent twice)', '50')
    .option('--model <file>', 'JudgeNet model file (default fpga/model/judgenet-h32.ajn)')
    .option(
      '--uart-baud <baud>',
      'pty: hold replies back by the UART wire time at this baud; serial: port baud',
      '0',
    )
    .option('--json', 'print JSON')
    .action(
      action(io, async (o: BenchOpts) => {
        const lanes = intOpt(o.lanes, 'lanes', 1, 1024, 64);
        const n = intOpt(o.n, 'n', 1, 1_000_000, 50);
        const baud = intOpt(o.uartBaud, 'uart-baud', 0, 100_000_000, 0);
        const clock = o.clockMhz === undefined ? undefined : Number(o.clockMhz);
        if (clock !== undefined && !(clock > 0 && clock < 10_000))
          fail('FPGA_USAGE', `--clock-mhz must be a positive number`);
        const modelPath = o.model ?? defaultModelPath();
        const { model, hash } = loadModel(modelPath);
        const simClockKhz = Math.round((clock ?? 100) * 1000);
        const dev = await openDevice(o.device, modelPath, model, hash, lanes, simClockKhz, baud);
        try {
          if (n > 20) io.err(`fpga bench: ${n} vectors x 2 on ${o.device} …`);
          const r = await labBench(dev.link, o.device, model, hash, cosimVectors(model, n, 42), clock);
          if (o.json === true) printJson(io, r);
          else {
            io.out(`device            ${r.device} (lanes ${r.lanes}, clock ${r.clock_mhz} MHz)`);
            io.out(`cycles/inference  ${r.cycles_per_inference}`);
            io.out(`device latency    ${r.device_latency_us} µs`);
            io.out(`transport         ${r.transport_us} µs`);
            io.out(
              `end to end        ${r.end_to_end_us} µs (${r.throughput_per_s} inferences/s, one in flight)`,
            );
            io.out(`CPU reference     ${r.cpu_reference_us} µs`);
            io.out(`deterministic     ${r.deterministic ? 'yes' : 'NO'}`);
            io.out(`agreement         ${(r.agreement * 100).toFixed(2)} % of ${r.n}`);
            io.out(`model_hash        ${r.model_hash}`);
          }
          return r.deterministic && r.agreement === 1 ? EXIT_OK : EXIT_FAILED;
        } finally {
          await dev.close();
        }
      }),
    );
}

interface CosimOpts {
  sim: string;
  lanes?: string;
  n?: string;
  seed?: string;
  model?: string;
  rtlModel?: string;
  json?: boolean;
}

function registerCosim(fpga: Command, io: CliIo): void {
  fpga
    .command('cosim')
    .description(
      'Lock-step comparison of the RTL (iverilog or Verilator) with the cycle model and the CPU golden model:\n' +
        'outputs and cycle counts per inference; exit 1 on the first mismatch, printing cycle, signal and both values.',
    )
    .option('--sim <sim>', 'verilator | iverilog', 'verilator')
    .option('--lanes <n>', 'MAC lanes', '64')
    .option('--n <n>', 'vectors (half random int8, half generated ATVs)', '200')
    .option('--seed <n>', 'stimulus seed', '1')
    .option('--model <file>', 'JudgeNet model file (default fpga/model/judgenet-h32.ajn)')
    .option(
      '--rtl-model <file>',
      'build the RTL memories from this model instead (cross-model check / fault injection)',
    )
    .option('--json', 'print JSON')
    .action(
      action(io, async (o: CosimOpts) => {
        if (o.sim !== 'verilator' && o.sim !== 'iverilog')
          fail('FPGA_USAGE', `--sim must be verilator or iverilog, got ${o.sim}`);
        const lanes = intOpt(o.lanes, 'lanes', 1, 1024, 64);
        const n = intOpt(o.n, 'n', 1, 10_000_000, 200);
        const seed = intOpt(o.seed, 'seed', 0, 2 ** 31, 1);
        const { model, hash } = loadModel(o.model ?? defaultModelPath());
        const rtlModel = o.rtlModel === undefined ? undefined : loadModel(o.rtlModel);
        io.err(`fpga cosim: building the ${o.sim} testbench (lanes ${lanes}) …`);
        const r = await cosim(model, hash, {
          sim: o.sim as RtlSimulator,
          lanes,
          n,
          seed,
          rtlModel,
          progress: (done) => io.err(`fpga cosim: ${done}/${n} agree`),
        });
        if (o.json === true) printJson(io, { ...r, model_hash: hash });
        else if (r.mismatch === null)
          io.out(
            `cosim ${r.sim} lanes ${r.lanes}: ${r.agreed}/${r.n} bit-exact, ${r.cycles_per_inference} cycles each, RTL ${r.rtl_seconds.toFixed(1)} s`,
          );
        else {
          const m = r.mismatch;
          io.out(`MISMATCH at inference ${m.index}, cycle ${m.cycle}, signal ${m.signal}`);
          io.out(`  rtl:   ${m.rtl}`);
          io.out(`  model: ${m.model}`);
        }
        return r.mismatch === null ? EXIT_OK : EXIT_FAILED;
      }),
    );
}

interface SynthOpts {
  target: string;
  lanes?: string;
  model?: string;
  json?: boolean;
}

function registerSynth(fpga: Command, io: CliIo): void {
  fpga
    .command('synth')
    .description(
      'Synthesise the judge core with yosys (and place-and-route with nextpnr-ice40 for ice40); print the resource report.',
    )
    .option('--target <t>', 'ice40 (UP5K) | xilinx (7-series)', 'ice40')
    .option('--lanes <n>', 'MAC lanes', '8')
    .option(
      '--model <file>',
      'model file (default: fpga/model/judgenet-h8.ajn for ice40, judgenet-h32.ajn for xilinx)',
    )
    .option('--json', 'print JSON')
    .action(
      action(io, async (o: SynthOpts) => {
        if (o.target !== 'ice40' && o.target !== 'xilinx')
          fail('FPGA_USAGE', `--target must be ice40 or xilinx, got ${o.target}`);
        const lanes = intOpt(o.lanes, 'lanes', 1, 1024, 8);
        const path =
          o.model ?? join(fpgaDir, 'model', o.target === 'ice40' ? 'judgenet-h8.ajn' : 'judgenet-h32.ajn');
        const { model, hash } = loadModel(path);
        io.err(
          `fpga synth: yosys ${o.target}, lanes ${lanes}, hidden ${model.hidden} (this takes a while) …`,
        );
        const r = synthesise(o.target as SynthTarget, model, hash, lanes);
        if (o.json === true) printJson(io, r);
        else {
          io.out(`${r.device}: lanes ${r.lanes}, hidden ${r.hidden}, ${r.seconds.toFixed(1)} s`);
          for (const [cell, count] of Object.entries(r.cells)) io.out(`  ${cell.padEnd(16)} ${count}`);
          for (const [res, used] of Object.entries(r.utilisation))
            io.out(`  placed ${res.padEnd(16)} ${used}`);
          io.out(`place and route: ${r.pnr}${r.fmax_mhz === null ? '' : `, Fmax ${r.fmax_mhz} MHz`}`);
          io.out(`logs: ${r.log_dir}`);
        }
        return EXIT_OK;
      }),
    );
}

export const fpgaCommand: CommandModule = {
  register(program, io) {
    const fpga =
      program.commands.find((c) => c.name() === 'fpga') ??
      program
        .command('fpga')
        .description('FPGA judge lab tools: bench a device, co-simulate the RTL, synthesise');
    registerBench(fpga, io);
    registerCosim(fpga, io);
    registerSynth(fpga, io);
  },
};

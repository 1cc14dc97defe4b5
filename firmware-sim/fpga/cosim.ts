import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '#core/errors.js';
import type { JudgeNetModel } from '#judge/judgenet/model.js';
import { quantiseInput } from '#judge/judgenet/quantise.js';
import { inferReference, outputsEqual } from '#judge/judgenet/reference.js';
import { Prng } from '#judge/train/prng.js';
import { syntheticAtv } from '#judge/train/synthetic-atv.js';
import { JudgeCoreModel, type CycleResult, type TraceEvent } from './cycle-model.js';
import { buildTestbench, writeRtlImages, type RtlSimulator } from './rtl-build.js';

export interface CosimOptions {
  sim: RtlSimulator;
  lanes: number;
  n: number;
  seed?: number;
  batch?: number;
  progress?: (done: number) => void;
  /** Fault injection for tests: build the RTL memories from this model instead (the cosim must then fail). */
  rtlModel?: { model: JudgeNetModel; hash: string };
}

export interface CosimMismatch {
  index: number;
  cycle: number;
  signal: string;
  rtl: string;
  model: string;
}

export interface CosimReport {
  sim: RtlSimulator;
  lanes: number;
  n: number;
  agreed: number;
  cycles_per_inference: number;
  rtl_seconds: number;
  mismatch: CosimMismatch | null;
}

/** Cosim stimulus: even indices are uniformly random int8 vectors, odd ones generated ATVs quantised by the model. */
export function cosimVectors(model: JudgeNetModel, n: number, seed = 1): Int8Array[] {
  const rng = new Prng(seed);
  const out: Int8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) out.push(Int8Array.from({ length: model.inputDim }, () => rng.int(-128, 127)));
    else out.push(quantiseInput(model, syntheticAtv(rng)));
  }
  return out;
}

interface RtlRun {
  results: CycleResult[];
  trace: TraceEvent[];
}

function runSim(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunksOut: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => chunksOut.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      const out = Buffer.concat(chunksOut).toString();
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${err.slice(0, 1000)}`));
      else resolveRun(out);
    });
  });
}

/** Runs the RTL testbench over vectors; with `trace` the events of that inference are collected too. */
export async function runRtl(
  cmd: { cmd: string; args: string[] },
  vectors: Int8Array[],
  trace = -1,
): Promise<RtlRun> {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-cosim-'));
  try {
    const stim = join(dir, 'stim.hex');
    const lines = vectors.map((v) =>
      Array.from(v, (b) => (b & 0xff).toString(16).padStart(2, '0')).join(' '),
    );
    writeFileSync(stim, lines.join('\n') + '\n');
    const args = [...cmd.args, `+stim=${stim}`, `+n=${vectors.length}`, `+trace=${trace}`];
    let out: string;
    try {
      out = await runSim(cmd.cmd, args);
    } catch (e) {
      return fail('FPGA_RTL_SIM_FAILED', `RTL simulation failed: ${(e as Error).message}`);
    }
    const results: CycleResult[] = [];
    const events: TraceEvent[] = [];
    for (const line of out.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] === 'R') {
        const nums = f.slice(2).map(Number);
        results.push({
          cycles: nums[0] as number,
          logits: Int32Array.of(nums[1] as number, nums[2] as number, nums[3] as number),
          verdict: nums[4] as number,
          confidence: nums[5] as number,
          attribution: Int32Array.from(nums.slice(6)),
        });
      } else if (f[0] === 'T') {
        events.push({ cycle: Number(f[1]), signal: f[2] as string, value: f.slice(3).join(' ') });
      }
    }
    return { results, trace: events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const show = (r: CycleResult): string =>
  `cycles=${r.cycles} logits=${[...r.logits].join(',')} verdict=${r.verdict} confidence=${r.confidence} attribution=${[...r.attribution].join(',')}`;

/**
 * Lock-step comparison RTL <-> cycle model <-> golden reference on n vectors: outputs and cycle counts per
 * inference; on the first disagreement the inference is re-run with tracing in both and the first differing
 * event (cycle, signal, both values) is reported.
 */
export async function cosim(model: JudgeNetModel, modelHash: string, o: CosimOptions): Promise<CosimReport> {
  const buildDir = writeRtlImages(o.rtlModel?.model ?? model, o.rtlModel?.hash ?? modelHash, o.lanes);
  const cmd = buildTestbench(buildDir, o.sim);
  const core = new JudgeCoreModel(model, o.lanes);
  const vectors = cosimVectors(model, o.n, o.seed ?? 1);
  const batch = o.batch ?? 1000;
  let agreed = 0;
  let rtlSeconds = 0;
  let cyclesPer = 0;
  for (let start = 0; start < vectors.length; start += batch) {
    const part = vectors.slice(start, start + batch);
    const t0 = process.hrtime.bigint();
    const rtl = await runRtl(cmd, part);
    rtlSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
    for (let k = 0; k < part.length; k++) {
      const x = part[k] as Int8Array;
      const sim = core.run(x);
      const ref = inferReference(model, x);
      const got = rtl.results[k];
      cyclesPer = sim.cycles;
      const refOk = outputsEqual(sim, ref);
      if (got !== undefined && refOk && outputsEqual(got, sim) && got.cycles === sim.cycles) {
        agreed++;
        continue;
      }
      const mismatch = await locate(cmd, core, part.slice(0, k + 1), k, got, sim, refOk, ref);
      return {
        sim: o.sim,
        lanes: o.lanes,
        n: o.n,
        agreed,
        cycles_per_inference: cyclesPer,
        rtl_seconds: rtlSeconds,
        mismatch: { ...mismatch, index: start + k },
      };
    }
    o.progress?.(start + part.length);
  }
  return {
    sim: o.sim,
    lanes: o.lanes,
    n: o.n,
    agreed,
    cycles_per_inference: cyclesPer,
    rtl_seconds: rtlSeconds,
    mismatch: null,
  };
}

async function locate(
  cmd: { cmd: string; args: string[] },
  core: JudgeCoreModel,
  vectors: Int8Array[],
  k: number,
  got: CycleResult | undefined,
  sim: CycleResult,
  refOk: boolean,
  ref: ReturnType<typeof inferReference>,
): Promise<Omit<CosimMismatch, 'index'>> {
  if (!refOk)
    return {
      cycle: sim.cycles,
      signal: 'reference',
      rtl: show(sim),
      model: `reference ${show({ ...ref, cycles: sim.cycles })}`,
    };
  if (got === undefined) return { cycle: 0, signal: 'result', rtl: 'no result', model: show(sim) };
  const rtl = await runRtl(cmd, vectors, k);
  const mine: TraceEvent[] = [];
  core.run(vectors[k] as Int8Array, (e) => mine.push(e));
  for (let i = 0; i < Math.max(mine.length, rtl.trace.length); i++) {
    const a = rtl.trace[i];
    const b = mine[i];
    if (
      a === undefined ||
      b === undefined ||
      a.cycle !== b.cycle ||
      a.signal !== b.signal ||
      a.value !== b.value
    ) {
      return {
        cycle: a?.cycle ?? b?.cycle ?? 0,
        signal: a?.signal ?? b?.signal ?? 'trace',
        rtl: a === undefined ? '(no event)' : `${a.signal}=${a.value} @${a.cycle}`,
        model: b === undefined ? '(no event)' : `${b.signal}=${b.value} @${b.cycle}`,
      };
    }
  }
  return { cycle: got.cycles, signal: 'result', rtl: show(got), model: show(sim) };
}

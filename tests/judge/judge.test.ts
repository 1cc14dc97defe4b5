import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AegisError } from '#core/errors.js';
import type { FpgaLink } from '#device/fpga.js';
import type { Judge as FirewallJudge } from '#firewall/steps.js';
import { judgeRecord } from '#judge/judge.js';
import { CpuJudge, FpgaJudge } from '#judge/judgenet-judge.js';
import { Prng } from '#judge/train/prng.js';
import { syntheticAtv } from '#judge/train/synthetic-atv.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';
import { parseModel, modelHash } from '#judge/judgenet/model.js';
import { repoRoot } from '../helpers/fixtures.js';

const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h32.ajn')));
const atvs = (n: number): Float32Array[] => {
  const rng = new Prng(99);
  return Array.from({ length: n }, () => syntheticAtv(rng));
};

describe('FPGA judge for step 340', () => {
  it('gives the CPU reference outputs from the simulated device and says the FPGA ran', async () => {
    const model = parseModel(bytes);
    const link = new WireFpgaLink('sim', simTransport(new BoardSim(model, modelHash(bytes), 16, 100_000)));
    const fpga = new FpgaJudge(bytes, link);
    const cpu = new CpuJudge(bytes);
    for (const atv of atvs(6)) {
      const a = await fpga.judge({ atv });
      const b = await cpu.judge({ atv });
      expect(a.engine).toBe('fpga');
      expect(a.device).toBe('sim');
      expect(a.cycles).toBeGreaterThan(2080);
      expect({ ...a, engine: 'cpu', device: undefined, cycles: undefined }).toEqual({
        ...b,
        device: undefined,
        cycles: undefined,
      });
      expect(a.attribution.map((x) => x.subfield)[10]).toBe('tool_arg_inspection');
    }
  });

  it('falls back to the CPU with identical outputs when there is no device or the device fails', async () => {
    const cpu = new CpuJudge(bytes);
    const none = new FpgaJudge(bytes, undefined);
    const failing: FpgaLink = {
      kind: 'serial',
      info: async () => {
        throw new AegisError('FPGA_TIMEOUT', 'no response');
      },
      infer: async () => {
        throw new AegisError('FPGA_TIMEOUT', 'no response');
      },
      readRegister: async () => 0,
      close: async () => undefined,
    };
    const broken = new FpgaJudge(bytes, failing);
    for (const atv of atvs(3)) {
      const ref = await cpu.judge({ atv });
      const a = await none.judge({ atv });
      const b = await broken.judge({ atv });
      expect(a).toEqual({ ...ref, fallback: 'FPGA_NO_DEVICE' });
      expect(b).toEqual({ ...ref, fallback: 'FPGA_TIMEOUT' });
      expect(judgeRecord(b)).toMatchObject({
        judge_engine: 'cpu',
        judge_fallback: 'FPGA_TIMEOUT',
        judge_model_hash: ref.model_hash,
      });
    }
  });

  it('does not use a device that runs a different model', async () => {
    const other = new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h8.ajn')));
    const link = new WireFpgaLink(
      'sim',
      simTransport(new BoardSim(parseModel(other), modelHash(other), 8, 100_000)),
    );
    const d = await new FpgaJudge(bytes, link).judge({ atv: atvs(1)[0] as Float32Array });
    expect(d.engine).toBe('cpu');
    expect(d.fallback).toBe('FPGA_MODEL_MISMATCH');
  });
});

describe('step 340 adapter', () => {
  it('names the engine, the model and the driving subfields in the reason', async () => {
    const { stepJudge } = await import('#judge/step-judge.js');
    // Type-checks against the firewall's step-340 Judge interface.
    const s: FirewallJudge = stepJudge(new FpgaJudge(bytes, undefined));
    const call = {} as Parameters<FirewallJudge['evaluate']>[0];
    const r = (await s.evaluate(call, atvs(1)[0] as Float32Array)) as Awaited<
      ReturnType<ReturnType<typeof stepJudge>['evaluate']>
    >;
    expect(['ALLOW', 'BLOCK', 'REQUIRE_APPROVAL']).toContain(r.verdict);
    expect(r.reason).toContain('cpu (fallback FPGA_NO_DEVICE)');
    expect(r.reason).toContain(r.judge.model_hash.slice(0, 16));
    expect(r.judge.engine).toBe('cpu');
  });
});

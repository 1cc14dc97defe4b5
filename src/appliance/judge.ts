import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSerialTransport } from '#drivers/fpga/serial-transport.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';
import { fail } from '../core/errors.js';
import { findUpward } from '../core/find-up.js';
import { CpuJudge, FpgaJudge, loadJudgeModel } from '../judge/judgenet-judge.js';
import { stepJudge, type StepJudge } from '../judge/step-judge.js';
import { readConfig } from './config.js';
import type { AegisHome } from './home.js';

/**
 * The grey-zone judge for pipeline step 340 (issue 7), chosen by $AEGIS_JUDGE or config.json `judge`:
 *   off (default) · cpu (the integer golden model) · fpga (no device: the CPU reference answers, and the record
 *   says FPGA_NO_DEVICE) · fpga:sim (the in-process board simulator over the real wire protocol) ·
 *   fpga:serial:PATH (a board on a serial port).
 * The model is $AEGIS_JUDGE_MODEL, else the shipped fpga/model/judgenet-h32-fw.ajn (trained on the rule engine's
 * decisions). Every judged record carries the engine, device or fallback, and the model hash.
 */
export const DEFAULT_JUDGE_MODEL = 'judgenet-h32-fw.ajn';

function shippedModel(): string | undefined {
  return findUpward(dirname(fileURLToPath(import.meta.url)), (dir) => {
    const candidate = join(dir, 'fpga', 'model', DEFAULT_JUDGE_MODEL);
    return existsSync(candidate) ? candidate : undefined;
  });
}

export async function homeJudge(home: AegisHome, env: NodeJS.ProcessEnv): Promise<StepJudge | undefined> {
  const spec = env['AEGIS_JUDGE'] ?? (readConfig(home)['judge'] as string | undefined) ?? 'off';
  if (spec === 'off' || spec === '') return undefined;
  const modelPath = env['AEGIS_JUDGE_MODEL'] ?? shippedModel();
  if (!modelPath || !existsSync(modelPath))
    fail(
      'JUDGE_MODEL_NOT_FOUND',
      `no JudgeNet model at ${modelPath ?? DEFAULT_JUDGE_MODEL}; set AEGIS_JUDGE_MODEL`,
    );
  const bytes = new Uint8Array(readFileSync(modelPath));
  if (spec === 'cpu') return stepJudge(new CpuJudge(bytes));
  if (spec === 'fpga') return stepJudge(new FpgaJudge(bytes, undefined));
  if (spec === 'fpga:sim') {
    const { model, hash } = loadJudgeModel(bytes);
    return stepJudge(
      new FpgaJudge(bytes, new WireFpgaLink('sim', simTransport(new BoardSim(model, hash, 64, 100_000)))),
    );
  }
  if (spec.startsWith('fpga:serial:')) {
    return stepJudge(
      new FpgaJudge(
        bytes,
        new WireFpgaLink('serial', await openSerialTransport(spec.slice('fpga:serial:'.length))),
      ),
    );
  }
  return fail('USAGE', `AEGIS_JUDGE must be off, cpu, fpga, fpga:sim or fpga:serial:PATH, not "${spec}"`);
}

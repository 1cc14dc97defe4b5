import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '#core/errors.js';
import type { JudgeNetModel } from '#judge/judgenet/model.js';
import { buildTopTestbench, writeRtlImages, type RtlSimulator } from './rtl-build.js';

/**
 * Runs the board top (fpga/rtl/judge_top.v) in an RTL simulator: the request wire bytes go in over the UART pin
 * (one request in flight), and the bytes the board transmits come back, for a byte-for-byte comparison with
 * BoardSim. The TB runs the UART at 4 clocks per bit and CLOCK_KHZ 12000.
 */
export async function runFrontend(
  model: JudgeNetModel,
  modelHash: string,
  lanes: number,
  sim: RtlSimulator,
  requests: Uint8Array,
): Promise<Uint8Array> {
  const cmd = buildTopTestbench(writeRtlImages(model, modelHash, lanes), sim);
  const dir = mkdtempSync(join(tmpdir(), 'aegis-frontend-'));
  try {
    const req = join(dir, 'req.hex');
    writeFileSync(req, Array.from(requests, (b) => b.toString(16).padStart(2, '0')).join('\n') + '\n');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(cmd.cmd, [...cmd.args, `+req=${req}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (text += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${err.slice(0, 500)}`)),
      );
    }).catch((e: unknown) =>
      fail('FPGA_RTL_SIM_FAILED', `front-end simulation failed: ${(e as Error).message}`),
    );
    const bytes = [...out.matchAll(/^B ([0-9a-f]{2})$/gm)].map((m) => parseInt(m[1] as string, 16));
    return Uint8Array.from(bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

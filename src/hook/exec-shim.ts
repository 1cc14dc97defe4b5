import { spawn } from 'node:child_process';

export interface ShimRun {
  exit: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a hook command exactly as Claude Code does — through `sh -c`, with the event JSON on stdin — and
 * returns its exit code, output and wall time. Asynchronous, so a daemon in the same process can answer.
 */
export function execShim(
  command: string,
  input: string | Uint8Array,
  env: NodeJS.ProcessEnv,
): Promise<ShimRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = spawn('/bin/sh', ['-c', command], { env });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (exit) =>
      resolve({ exit, stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
    );
    c.stdin.on('error', () => undefined);
    c.stdin.end(input);
  });
}

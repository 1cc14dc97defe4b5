import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '#core/errors.js';

export interface PtyBoard {
  /** Slave side of the pseudo-terminal: open it with serialport. */
  path: string;
  pid: number;
  close(): Promise<void>;
}

/**
 * Starts the board simulator in a child process that owns a pseudo-terminal (pty-board-main.ts +
 * pty_helper.py) and resolves with the pty path once it is ready. The child ends when close() is called or
 * when this process exits (its stdin closes).
 */
export function startPtyBoard(
  modelPath: string,
  lanes: number,
  clockKhz: number,
  baud = 0,
): Promise<PtyBoard> {
  // From source the entry point is .ts (run with tsx); compiled (dist/) it is .js next to this module.
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = join(here, 'pty-board-main.js');
  const args = existsSync(compiled) ? [compiled] : ['--import', 'tsx', join(here, 'pty-board-main.ts')];
  const child: ChildProcess = spawn(
    process.execPath,
    [...args, modelPath, String(lanes), String(clockKhz), String(baud)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(fail('FPGA_PTY_FAILED', 'the pty board simulator did not start within 20 s'));
    }, 20_000);
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(fail('FPGA_PTY_FAILED', `cannot start the pty board simulator: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(fail('FPGA_PTY_FAILED', `the pty board simulator exited (${code}): ${err.slice(0, 500)}`));
    });
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PTY (\S+)\n/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        path: m[1] as string,
        pid: child.pid ?? -1,
        close: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

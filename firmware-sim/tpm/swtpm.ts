import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fail } from '#core/errors.js';

/**
 * Starts swtpm (libtpms) as the simulated TPM for the demo and laptops: a unix-socket data channel
 * (`unix:PATH`, as drivers/tpm opens it) plus its control channel, state kept in `dir` so sealed keys survive
 * restarts of the demo. swtpm serves one client at a time; callers open, use and close the TPM per operation.
 */
export interface SwtpmProcess {
  spec: string;
  dir: string;
  stop(): Promise<void>;
}

export function swtpmAvailable(): boolean {
  return spawnSync('swtpm', ['--version'], { stdio: 'ignore' }).status === 0;
}

function reachable(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startSwtpm(dir: string): Promise<SwtpmProcess> {
  if (!swtpmAvailable())
    fail('TPM_NOT_PRESENT', 'swtpm is not installed (Debian: apt-get install swtpm swtpm-tools)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sock = join(dir, 'swtpm.sock');
  const ctrl = `${sock}.ctrl`;
  const child: ChildProcess = spawn(
    'swtpm',
    [
      'socket',
      '--tpm2',
      '--server',
      `type=unixio,path=${sock}`,
      '--ctrl',
      `type=unixio,path=${ctrl}`,
      '--flags',
      'not-need-init,startup-clear',
      '--tpmstate',
      `dir=${dir}`,
    ],
    { stdio: 'ignore' },
  );
  // Probe the control socket only: a probe on the data socket would hold swtpm's single client slot.
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) fail('TPM_NOT_PRESENT', `swtpm exited with code ${child.exitCode}`);
    if (existsSync(ctrl) && (await reachable(ctrl))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    spec: `unix:${sock}`,
    dir,
    stop: async () => {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

import { fail } from '../core/errors.js';
import { parsePid } from '../core/pid.js';

/** `--pid`: the process whose counters fill the hardware band; default the process that ran this command. */
export function pidOption(v: string | undefined): number {
  if (v === undefined) return process.ppid;
  const pid = parsePid(v);
  if (pid === undefined) fail('USAGE', `--pid must be a process id, not "${v.slice(0, 32)}"`);
  return pid;
}

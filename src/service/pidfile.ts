import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { fail } from '../core/errors.js';

/**
 * Single-instance lock: the pidfile is created with O_EXCL; a pidfile whose process is gone is stale and is
 * replaced. Two daemons would be two writers of the audit log, which the design forbids.
 */
export function readPid(pidfile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pidfiles held by this process (a pidfile naming our own pid is ours only if we took it). */
const held = new Set<string>();

export function acquirePidfile(pidfile: string): void {
  if (held.has(pidfile))
    fail(
      'DAEMON_ALREADY_RUNNING',
      `an Aegis daemon is already running in this process (pid ${process.pid})`,
      { pid: process.pid },
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(pidfile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(pidfile);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = readPid(pidfile);
      if (pid !== undefined && pid !== process.pid && processAlive(pid))
        fail('DAEMON_ALREADY_RUNNING', `an Aegis daemon is already running (pid ${pid})`, { pid });
      unlinkQuiet(pidfile);
    }
  }
  fail('DAEMON_LOCK_FAILED', `cannot take the daemon lock ${pidfile}`);
}

export function releasePidfile(pidfile: string): void {
  if (!held.has(pidfile)) return;
  held.delete(pidfile);
  if (readPid(pidfile) === process.pid) unlinkQuiet(pidfile);
}

export function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

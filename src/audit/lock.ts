import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { LOCK_FILE } from './files.js';

/**
 * One writer at a time: an exclusive-create LOCK file holding the writer's pid. A lock whose pid is no
 * longer alive (a crashed writer) is taken over; a live one refuses with AUDIT_LOCKED.
 */
export class WriterLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): WriterLock {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new WriterLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = readHolder(path);
        if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
          fail(
            'AUDIT_LOCKED',
            `the audit log is being written by process ${holder}; stop it or use its daemon`,
            { pid: holder },
          );
        }
        try {
          unlinkSync(path); // stale: its writer is gone
        } catch {
          /* another process took it over first; retry */
        }
      }
    }
    return fail('AUDIT_LOCKED', `could not take the audit log lock at ${path}`);
  }

  release(): void {
    try {
      if (readHolder(this.path) === process.pid) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

function readHolder(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { fsyncSync, mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../core/encoding.js';
import { sha3_256 } from '../crypto/hash.js';
import { TORN_DIR } from './files.js';

/** What was set aside from a file's torn tail; it becomes a `recovery` record in the log. */
export interface TornTail {
  file: string;
  offset: number;
  bytes: number;
  sha3: string;
  saved_as: string;
}

/**
 * Moves the bytes after a file's last newline (an append interrupted by a crash: its caller never got
 * an answer) into torn/, then truncates the file to its last complete line. Nothing is deleted.
 */
export function setAsideTail(dir: string, file: string, tail: Buffer, fileSize: number): TornTail {
  const tornDir = join(dir, TORN_DIR);
  mkdirSync(tornDir, { recursive: true, mode: 0o700 });
  const offset = fileSize - tail.length;
  const savedAs = join(TORN_DIR, `${file}.${offset}.${Date.now()}.partial`);
  writeFileSync(join(dir, savedAs), tail, { mode: 0o600 });
  const fd = openSync(join(dir, file), 'r+');
  try {
    ftruncateSync(fd, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { file, offset, bytes: tail.length, sha3: toHex(sha3_256(tail)), saved_as: savedAs };
}

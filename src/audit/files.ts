import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * On-disk layout of one log directory (docs/formats.md §Files):
 *   audit-00000000.jsonl …  append-only record segments, numbered in order, one JSON record per line
 *   checkpoints.jsonl       one JSON object per line: {size, ts, note} with the signed C2SP checkpoint
 *   torn/                   bytes set aside after a crash (never deleted by Aegis)
 *   LOCK                    the single writer's pid
 */
export const SEGMENT_RE = /^audit-(\d{8})\.jsonl$/;
export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
export const LOCK_FILE = 'LOCK';
export const TORN_DIR = 'torn';
/** Records per segment before the writer starts a new file. */
export const SEGMENT_MAX_RECORDS = 65536;

export function segmentName(index: number): string {
  return `audit-${String(index).padStart(8, '0')}.jsonl`;
}

export function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SEGMENT_RE.test(f))
    .sort();
}

export interface SplitText {
  /** Complete lines (each ended by "\n" in the file), without the newline. */
  lines: string[];
  /** Bytes after the last newline: a torn write when non-empty. */
  tail: Buffer;
}

/** Splits a file into complete lines and a possibly torn tail; reads as bytes so a tail of any kind is kept. */
export function readLines(path: string): SplitText {
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a);
  const body = end < 0 ? '' : buf.subarray(0, end).toString('utf8');
  return { lines: end < 0 ? [] : body.split('\n'), tail: buf.subarray(end + 1) };
}

export function checkpointsPath(dir: string): string {
  return join(dir, CHECKPOINTS_FILE);
}

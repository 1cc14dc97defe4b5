import { readFileSync, statSync } from 'node:fs';
import { fail } from '../core/errors.js';

/** Reads an input file for a verb, mapping every file-system failure to a stable code (exit 2). */
export function readInputFile(path: string, what = 'input file', maxBytes = 256 * 1024 * 1024): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) fail('FILE_UNREADABLE', `${what} ${path} is not a regular file`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      fail('FILE_NOT_FOUND', `${what} ${path} does not exist`);
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('E'))
      fail('FILE_UNREADABLE', `${what} ${path} cannot be read (${e.code})`);
    throw e;
  }
  if (size > maxBytes) fail('INPUT_TOO_LARGE', `${what} ${path} is ${size} bytes; the limit is ${maxBytes}`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    return fail(
      'FILE_UNREADABLE',
      `${what} ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

export function readInputText(path: string, what = 'input file'): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(readInputFile(path, what));
}

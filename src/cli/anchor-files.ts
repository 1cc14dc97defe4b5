import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { readInputFile } from './input.js';

const ANCHOR_FILE = /\.(pem|der|crt|cer)$/i;

/**
 * The certificate files of a `--trust-anchors DIR` (.pem .der .crt .cer, sorted), as raw bytes. An absent
 * directory or one without certificates is an error, never a silent fall back to other anchors.
 */
export function readAnchorFiles(dir: string): Array<{ name: string; bytes: Uint8Array }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    fail('FILE_NOT_FOUND', `trust anchor directory ${dir} does not exist`);
  const files = readdirSync(dir)
    .filter((n) => ANCHOR_FILE.test(n))
    .sort();
  if (files.length === 0) fail('TRUST_ANCHORS_INVALID', `no .pem/.der/.crt/.cer certificate in ${dir}`);
  return files.map((name) => ({ name, bytes: readInputFile(join(dir, name), 'trust anchor') }));
}

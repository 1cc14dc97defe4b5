import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toHex } from '../core/encoding.js';
import { sha3_256 } from '../crypto/hash.js';

/**
 * Software measurement for the evidence bundle: SHA3-256 over the sorted list of
 * (relative path ‖ 0x00 ‖ SHA3-256(content) ‖ 0x0a) for the code that runs — dist/ when built, else the
 * TypeScript sources — plus package.json and package-lock.json. Reproducible from a checkout.
 */
const CODE_DIRS = ['src', 'attestation', 'drivers', 'firmware-sim', 'fpga', 'policies'];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (name !== 'node_modules' && name !== 'build') walk(p, out);
    } else if (/\.(js|ts|json|v|svh|vh)$/.test(name)) out.push(p);
  }
}

export function softwareMeasurement(root: string): { measurement: string; files: number } {
  const files: string[] = [];
  const dist = join(root, 'dist');
  if (existsSync(dist)) walk(dist, files);
  else for (const d of CODE_DIRS) walk(join(root, d), files);
  for (const f of ['package.json', 'package-lock.json'])
    if (existsSync(join(root, f))) files.push(join(root, f));
  const lines = files.map((f) => `${relative(root, f)}\0${toHex(sha3_256(readFileSync(f)))}\n`).sort();
  return { measurement: toHex(sha3_256(lines.join(''))), files: files.length };
}

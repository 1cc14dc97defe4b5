import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuditLog, type PqMode } from '#audit/log.js';
import { signerFromSeeds } from '#crypto/seed-signer.js';
import type { Signer } from '#crypto/signer.js';

export function tempDir(prefix = 'aegis-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freshSigner(): Signer {
  return signerFromSeeds(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32)), 'test');
}

/** Writes a log of n decision records (plus genesis) and closes it (final checkpoint). */
export async function buildLog(
  dir: string,
  n: number,
  signer: Signer,
  pq: PqMode = 'checkpoint',
): Promise<void> {
  const log = await AuditLog.open({ dir, signer, pq });
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(
      log.append({
        kind: 'decision',
        session: `s${i % 7}`,
        tool: i % 2 ? 'Bash' : 'Read',
        decision: i % 5 ? 'ALLOW' : 'BLOCK',
        reason: `case ${i}`,
        rules: [`R${i % 3}`],
        args_sha3: '00'.repeat(32),
      }),
    );
  }
  await Promise.all(pending);
  await log.close();
}

export function copyDir(src: string): string {
  const dst = tempDir('aegis-copy-');
  cpSync(src, dst, { recursive: true });
  return dst;
}

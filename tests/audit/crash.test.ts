import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '#audit/log.js';
import { verifyAuditLog } from '#audit/verify.js';
import { signerFromSeeds } from '#crypto/seed-signer.js';
import { toHex } from '#core/encoding.js';
import { repoRoot } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/audit.js';

/** Runs the appending child and SIGKILLs it `afterMs` after it is ready; returns the acknowledged appends. */
function runAndKill(dir: string, ed: string, pq: string, afterMs: number): Promise<Map<number, string>> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'tests/audit/append-child.ts'), dir, ed, pq],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const acked = new Map<number, string>();
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), afterMs);
        else {
          const [seq, hash] = line.split(' ');
          acked.set(Number(seq), String(hash));
        }
      }
    });
    child.on('exit', () => resolve(acked));
  });
}

describe('crash safety', () => {
  it('20 SIGKILLs at random points: after each restart the log verifies and keeps every acknowledged record', async () => {
    const dir = tempDir();
    const ed = toHex(new Uint8Array(randomBytes(32)));
    const pq = toHex(new Uint8Array(randomBytes(32)));
    const signer = signerFromSeeds(Buffer.from(ed, 'hex'), Buffer.from(pq, 'hex'), 'test');
    const allAcked = new Map<number, string>();
    let recoveries = 0;
    for (let round = 0; round < 20; round++) {
      const acked = await runAndKill(dir, ed, pq, 20 + Math.floor(Math.random() * 400));
      for (const [k, v] of acked) allAcked.set(k, v);
      // Restart: the writer sets aside any torn tail and records the recovery.
      const log = await AuditLog.open({ dir, signer });
      recoveries += log.recovered.length;
      await log.close();
      const report = await verifyAuditLog({
        dir,
        expectedKeys: { ed25519: signer.publicKeys.ed25519.spki, mldsa: signer.publicKeys.mldsa.spki },
      });
      expect(report.first_error).toBeNull();
      const stored = new Map<number, string>();
      for (const f of readdirSync(dir)
        .filter((n) => n.startsWith('audit-'))
        .sort()) {
        for (const line of readFileSync(join(dir, f), 'utf8').trimEnd().split('\n')) {
          const r = JSON.parse(line) as { seq: number; this_hash: string };
          stored.set(r.seq, r.this_hash);
        }
      }
      for (const [seq, hash] of allAcked)
        expect(stored.get(seq), `acknowledged seq ${seq} lost in round ${round}`).toBe(hash);
    }
    expect(allAcked.size).toBeGreaterThan(100);
    // Whatever was set aside is kept in torn/, never deleted.
    if (recoveries > 0) expect(existsSync(join(dir, 'torn'))).toBe(true);
  });

  it('a torn last line is set aside into torn/ and recorded, never silently dropped', async () => {
    const dir = tempDir();
    const signer = signerFromSeeds(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32)), 'test');
    let log = await AuditLog.open({ dir, signer });
    await log.append({ kind: 'decision', reason: 'before the crash' });
    await log.close();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'audit-00000000.jsonl'), '{"v":1,"seq":2,"ts":"2026-01-01T00:00');
    const before = await verifyAuditLog({ dir });
    expect(before.warnings.map((w) => w.code)).toContain('AUDIT_TORN_TAIL');
    log = await AuditLog.open({ dir, signer });
    expect(log.recovered).toHaveLength(1);
    expect(log.recovered[0]?.bytes).toBe(37);
    await log.close();
    const torn = readdirSync(join(dir, 'torn'));
    expect(torn).toHaveLength(1);
    expect(readFileSync(join(dir, 'torn', torn[0] as string), 'utf8')).toBe(
      '{"v":1,"seq":2,"ts":"2026-01-01T00:00',
    );
    const after = await verifyAuditLog({ dir });
    expect(after.ok).toBe(true);
    const last = readFileSync(join(dir, 'audit-00000000.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .pop() as string;
    expect(JSON.parse(last)).toMatchObject({ kind: 'recovery', data: { bytes: 37 } });
  });
});

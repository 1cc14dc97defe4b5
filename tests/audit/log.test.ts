import { describe, expect, it } from 'vitest';
import { AuditLog } from '#audit/log.js';
import { verifyAuditLog } from '#audit/verify.js';
import { freshSigner, tempDir } from '../helpers/audit.js';

describe('AuditLog writer', () => {
  it('refuses a non-canonicalisable event alone and keeps appending', async () => {
    const dir = tempDir();
    const log = await AuditLog.open({ dir, signer: freshSigner() });
    const bad = log.append({ kind: 'decision', data: { n: Number.NaN } });
    const good = log.append({ kind: 'decision', reason: 'fine' });
    await expect(bad).rejects.toMatchObject({ code: 'AUDIT_EVENT_INVALID' });
    await expect(good).resolves.toMatchObject({ seq: 1 });
    await expect(log.append({ kind: 'Bad Kind' })).rejects.toMatchObject({ code: 'AUDIT_EVENT_INVALID' });
    await expect(log.append({ kind: 'x', data: { big: 'a'.repeat(1_100_000) } })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
    });
    await expect(log.append({ kind: 'decision' })).resolves.toMatchObject({ seq: 2 });
    await log.close();
    expect((await verifyAuditLog({ dir })).ok).toBe(true);
  });

  it('refuses a top-level field a record has no place for (AUDIT_EVENT_FIELD_UNKNOWN) and writes nothing', async () => {
    const dir = tempDir();
    const log = await AuditLog.open({ dir, signer: freshSigner() });
    const ev = { kind: 'x', ticket: 'SEC-4711' } as unknown as Parameters<AuditLog['append']>[0];
    await expect(log.append(ev)).rejects.toMatchObject({ code: 'AUDIT_EVENT_FIELD_UNKNOWN' });
    expect(log.size).toBe(1); // only the genesis
    await expect(log.append({ kind: 'x', data: { ticket: 'SEC-4711' } })).resolves.toMatchObject({ seq: 1 });
    await log.close();
  });

  it('one writer at a time: a second open fails with AUDIT_LOCKED', async () => {
    const dir = tempDir();
    const log = await AuditLog.open({ dir, signer: freshSigner() });
    const { writeFileSync } = await import('node:fs');
    // Pretend the lock belongs to another live process (our parent).
    writeFileSync(`${dir}/LOCK`, `${process.ppid}\n`);
    await expect(AuditLog.open({ dir, signer: freshSigner() })).rejects.toMatchObject({
      code: 'AUDIT_LOCKED',
    });
    writeFileSync(`${dir}/LOCK`, `${process.pid}\n`);
    await log.close();
  });

  it('refuses to open a log with other keys (AUDIT_KEY_MISMATCH)', async () => {
    const dir = tempDir();
    await (await AuditLog.open({ dir, signer: freshSigner() })).close();
    await expect(AuditLog.open({ dir, signer: freshSigner() })).rejects.toMatchObject({
      code: 'AUDIT_KEY_MISMATCH',
    });
  });

  it('checkpoints at most 256 records apart and on close', async () => {
    const dir = tempDir();
    const log = await AuditLog.open({ dir, signer: freshSigner() });
    await Promise.all(
      Array.from({ length: 600 }, (_, i) => log.append({ kind: 'decision', reason: String(i) })),
    );
    await log.close();
    const r = await verifyAuditLog({ dir });
    expect(r.ok).toBe(true);
    expect(r.checkpoints).toBeGreaterThanOrEqual(3);
    expect(r.warnings).toEqual([]);
    const { readFileSync } = await import('node:fs');
    const sizes = readFileSync(`${dir}/checkpoints.jsonl`, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { size: number }).size);
    expect(sizes[sizes.length - 1]).toBe(601);
    for (let i = 1; i < sizes.length; i++)
      expect((sizes[i] as number) - (sizes[i - 1] as number)).toBeLessThanOrEqual(256);
    expect(sizes[0]).toBeLessThanOrEqual(256);
  });
});

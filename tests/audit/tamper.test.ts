import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '#audit/verify.js';
import { hashBody, recordSigningBytes } from '#audit/record.js';
import { signCheckpoint } from '#audit/checkpoint.js';
import { CompactRange } from '#audit/merkle.js';
import { fromHex, toBase64, toHex } from '#core/encoding.js';
import type { Signer } from '#crypto/signer.js';
import { buildLog, copyDir, freshSigner, tempDir } from '../helpers/audit.js';

/**
 * The tamper suite of issue 2: every attack on a 1,000-record log is detected with the right first seq and
 * code; the intact log verifies. Pinned keys are passed as an auditor would (`verify-audit --keys`).
 */
const N = 1000; // decision records; with genesis the log holds N + 1
const SEG = 'audit-00000000.jsonl';
type Rec = Record<string, unknown> & {
  seq: number;
  this_hash: string;
  prev_hash: string;
  sig: { ed25519: string | null; ml_dsa_65: string | null };
};

let base: string;
let other: string;
let signer: Signer;
let otherSigner: Signer;

const read = (dir: string): Rec[] =>
  readFileSync(join(dir, SEG), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
const write = (dir: string, recs: Rec[]): void =>
  writeFileSync(join(dir, SEG), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
const pinned = (s: Signer) => ({ ed25519: s.publicKeys.ed25519.spki, mldsa: s.publicKeys.mldsa.spki });

/** Recomputes this_hash (and the chain from `from` on) as a forger without the keys would. */
function rehash(recs: Rec[], from: number, resign?: Signer): void {
  for (let i = from; i < recs.length; i++) {
    const r = recs[i] as Rec;
    if (i > 0) r.prev_hash = (recs[i - 1] as Rec).this_hash;
    const { this_hash: _h, sig: _s, ...body } = r;
    const h = hashBody(body as never);
    r.this_hash = toHex(h);
    r.sig = resign
      ? { ed25519: toBase64(resign.signEd25519(recordSigningBytes(h))), ml_dsa_65: r.sig.ml_dsa_65 }
      : { ed25519: null, ml_dsa_65: null };
  }
}

async function attack(
  mutate: (dir: string) => void | Promise<void>,
  keys: ReturnType<typeof pinned> | null = pinned(signer),
) {
  const dir = copyDir(base);
  await mutate(dir);
  return verifyAuditLog(keys ? { dir, expectedKeys: keys } : { dir });
}

beforeAll(async () => {
  signer = freshSigner();
  otherSigner = freshSigner();
  base = tempDir();
  other = tempDir();
  await buildLog(base, N, signer);
  await buildLog(other, N, otherSigner);
});

describe('tamper suite on a 1,000-record log', () => {
  it('the intact log verifies, with every signature and checkpoint counted', async () => {
    const r = await verifyAuditLog({ dir: base, expectedKeys: pinned(signer) });
    expect(r.first_error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.records).toBe(N + 1);
    expect(r.checkpoints).toBeGreaterThanOrEqual(1);
    expect(r.signatures.ed25519).toBe(N + 1 + r.checkpoints);
  });

  it('an edited field → AUDIT_HASH_MISMATCH at that seq', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      (recs[500] as Rec)['decision'] = 'ALLOW';
      (recs[500] as Rec)['reason'] = 'nothing to see';
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_HASH_MISMATCH' });
  });

  it('an edited field with its hash and the chain recomputed → AUDIT_SIGNATURE_INVALID at that seq', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      (recs[500] as Rec)['decision'] = (recs[500] as Rec)['decision'] === 'ALLOW' ? 'BLOCK' : 'ALLOW';
      const sigs = recs.map((x) => x.sig);
      rehash(recs, 500);
      recs.forEach((x, i) => (x.sig = sigs[i] as Rec['sig'])); // keep the old signatures
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_SIGNATURE_INVALID' });
  });

  it('a deleted record → AUDIT_SEQ_MISMATCH at its seq', async () => {
    const r = await attack((d) =>
      write(
        d,
        read(d).filter((x) => x.seq !== 500),
      ),
    );
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_SEQ_MISMATCH' });
  });

  it('a deleted record with seq and chain rewritten → caught at that seq', async () => {
    const r = await attack((d) => {
      const recs = read(d).filter((x) => x.seq !== 500);
      recs.forEach((x, i) => (x.seq = i));
      rehash(recs, 500, signer === undefined ? undefined : otherSigner);
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_SIGNATURE_INVALID' });
  });

  it('an inserted record → AUDIT_SEQ_MISMATCH at the insertion point', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      recs.splice(500, 0, { ...(recs[300] as Rec) });
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_SEQ_MISMATCH' });
  });

  it('reordered records → AUDIT_SEQ_MISMATCH at the first moved seq', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      [recs[500], recs[501]] = [recs[501] as Rec, recs[500] as Rec];
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 500, code: 'AUDIT_SEQ_MISMATCH' });
  });

  it('two logs spliced → AUDIT_CHAIN_BROKEN at the splice', async () => {
    const r = await attack((d) => write(d, [...read(d).slice(0, 600), ...read(other).slice(600)]));
    expect(r.first_error).toMatchObject({ seq: 600, code: 'AUDIT_CHAIN_BROKEN' });
  });

  it('records truncated after a checkpoint covered them → AUDIT_TRUNCATED at the first missing seq', async () => {
    const r = await attack((d) => write(d, read(d).slice(0, 900)));
    expect(r.first_error).toMatchObject({ seq: 900, code: 'AUDIT_TRUNCATED' });
  });

  it('a signature removed → AUDIT_SIGNATURE_MISSING at that seq', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      (recs[700] as Rec).sig = { ed25519: null, ml_dsa_65: null };
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 700, code: 'AUDIT_SIGNATURE_MISSING' });
  });

  it("the original's forgery (edit, strip signatures, recompute every hash) → AUDIT_SIGNATURE_MISSING", async () => {
    const r = await attack((d) => {
      const recs = read(d);
      (recs[400] as Rec)['reason'] = 'forged';
      rehash(recs, 400);
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 400, code: 'AUDIT_SIGNATURE_MISSING' });
  });

  it('a signature moved from another record → AUDIT_SIGNATURE_INVALID', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      (recs[800] as Rec).sig = (recs[801] as Rec).sig;
      write(d, recs);
    });
    expect(r.first_error).toMatchObject({ seq: 800, code: 'AUDIT_SIGNATURE_INVALID' });
  });

  it('substituted keys: a whole log re-signed with other keys → AUDIT_KEY_MISMATCH at seq 0', async () => {
    const r = await verifyAuditLog({ dir: other, expectedKeys: pinned(signer) });
    expect(r.first_error).toMatchObject({ seq: 0, code: 'AUDIT_KEY_MISMATCH' });
  });

  it('substituted keys in genesis only, keys not pinned → caught at seq 0 (genesis ML-DSA signature)', async () => {
    const r = await attack((d) => {
      const recs = read(d);
      const g = recs[0] as Rec & { data: { keys: { ed25519: { spki: string } } } };
      g.data.keys.ed25519.spki = toBase64(otherSigner.publicKeys.ed25519.spki);
      rehash(recs, 0, otherSigner);
      recs.splice(1, recs.length, ...read(d).slice(1)); // the forger cannot re-sign the rest as the real key
      write(d, recs);
    }, null);
    expect(r.first_error).toMatchObject({ seq: 0, code: 'AUDIT_SIGNATURE_INVALID' });
    expect(r.keys_pinned).toBe(false);
  });

  it('a checkpoint whose root was changed → AUDIT_CHECKPOINT_SIGNATURE_INVALID', async () => {
    const r = await attack((d) => {
      const p = join(d, 'checkpoints.jsonl');
      const lines = readFileSync(p, 'utf8').trimEnd().split('\n');
      const cp = JSON.parse(lines[0] as string) as { size: number; note: string };
      const parts = cp.note.split('\n');
      parts[2] = toBase64(new Uint8Array(32));
      cp.note = parts.join('\n');
      lines[0] = JSON.stringify(cp);
      writeFileSync(p, lines.join('\n') + '\n');
    });
    expect(r.first_error?.code).toBe('AUDIT_CHECKPOINT_SIGNATURE_INVALID');
  });

  it('a checkpoint with its ML-DSA line removed → AUDIT_CHECKPOINT_SIGNATURE_INVALID', async () => {
    const r = await attack((d) => {
      const p = join(d, 'checkpoints.jsonl');
      const lines = readFileSync(p, 'utf8').trimEnd().split('\n');
      const cp = JSON.parse(lines[lines.length - 1] as string) as { size: number; note: string };
      const sigLines = cp.note.split('\n');
      sigLines.splice(sigLines.length - 2, 1); // the ML-DSA line is the last signature line
      cp.note = sigLines.join('\n');
      lines[lines.length - 1] = JSON.stringify(cp);
      writeFileSync(p, lines.join('\n') + '\n');
    });
    expect(r.first_error).toMatchObject({ code: 'AUDIT_CHECKPOINT_SIGNATURE_INVALID', seq: N });
  });

  it('a forged checkpoint over a rewritten history is caught (root mismatch needs the keys; signature fails without)', async () => {
    const r = await attack(async (d) => {
      const recs = read(d);
      (recs[10] as Rec)['reason'] = 'rewritten';
      rehash(recs, 10, otherSigner);
      write(d, recs);
      const tree = new CompactRange();
      for (const x of recs) tree.append(fromHex(x.this_hash));
      const origin = (recs[0] as Rec & { data: { origin: string } }).data.origin;
      const note = await signCheckpoint({ origin, size: recs.length, root: tree.root() }, otherSigner);
      writeFileSync(join(d, 'checkpoints.jsonl'), JSON.stringify({ size: recs.length, note }) + '\n');
    });
    expect(r.first_error).toMatchObject({ seq: 10, code: 'AUDIT_SIGNATURE_INVALID' });
  });
});

describe('per-record ML-DSA mode', () => {
  it('requires an ML-DSA-65 signature on every record', async () => {
    const s = freshSigner();
    const dir = tempDir();
    await buildLog(dir, 12, s, 'per-record');
    const ok = await verifyAuditLog({ dir, expectedKeys: pinned(s) });
    expect(ok.ok).toBe(true);
    expect(ok.signatures.ml_dsa).toBe(13 + ok.checkpoints);
    const recs = read(dir);
    (recs[5] as Rec).sig.ml_dsa_65 = null;
    write(dir, recs);
    const bad = await verifyAuditLog({ dir, expectedKeys: pinned(s) });
    expect(bad.first_error).toMatchObject({ seq: 5, code: 'AUDIT_SIGNATURE_MISSING' });
  });
});

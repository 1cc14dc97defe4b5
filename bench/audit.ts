// npm run bench -- audit: durable appends/s (default and per-record ML-DSA) and verified records/s.
// Baselines measured in the same run: one append at a time (fsync per record) for appends, and a
// single-worker verifier for verification. Goals (issue 2): >= 5,000 appends/s default, >= 150/s with
// ML-DSA on every record, >= 8,000 records/s verified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AuditLog, type PqMode } from '#audit/log.js';
import { verifyAuditLog } from '#audit/verify.js';
import { signerFromSeeds } from '#crypto/seed-signer.js';
import { CryptoPool } from '#crypto/worker-pool.js';
import { machine, round, table } from './_util.js';

const N = Number(process.env['BENCH_AUDIT_N'] ?? 20000);
const N_PQ = Number(process.env['BENCH_AUDIT_N_PQ'] ?? 600);
const signer = signerFromSeeds(new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32)), 'bench');

function event(i: number) {
  return {
    kind: 'decision',
    session: `sess-${i % 13}`,
    tool: 'Bash',
    decision: i % 9 ? 'ALLOW' : 'BLOCK',
    reason: 'matched rule fs.rm-rf-root: recursive delete of /',
    rules: ['fs.rm-rf-root'],
    args_sha3: randomBytes(32).toString('hex'),
    atv_sha3: randomBytes(32).toString('hex'),
  };
}

/** Appends n events with `concurrency` in flight; returns appends per second (durable, acknowledged). */
async function appends(dir: string, n: number, concurrency: number, pq: PqMode): Promise<number> {
  const log = await AuditLog.open({ dir, signer, pq });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) await log.append(event(next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  await log.close();
  return n / secs;
}

const root = mkdtempSync(join(tmpdir(), 'aegis-bench-audit-'));
try {
  const seqRate = await appends(join(root, 'seq'), 500, 1, 'checkpoint');
  const defRate = await appends(join(root, 'default'), N, 256, 'checkpoint');
  const pqRate = await appends(join(root, 'pq'), N_PQ, 64, 'per-record');
  const keys = { ed25519: signer.publicKeys.ed25519.spki, mldsa: signer.publicKeys.mldsa.spki };
  const pool1 = new CryptoPool(1);
  let t = performance.now();
  const base = await verifyAuditLog({ dir: join(root, 'default'), expectedKeys: keys, pool: pool1 });
  const verify1 = base.records / ((performance.now() - t) / 1000);
  await pool1.close();
  t = performance.now();
  const full = await verifyAuditLog({ dir: join(root, 'default'), expectedKeys: keys });
  const verifyRate = full.records / ((performance.now() - t) / 1000);
  if (!full.ok || !base.ok)
    throw new Error(`bench log failed verification: ${JSON.stringify(full.first_error)}`);
  t = performance.now();
  const pqVerify = await verifyAuditLog({ dir: join(root, 'pq'), expectedKeys: keys });
  const pqVerifyRate = pqVerify.records / ((performance.now() - t) / 1000);

  console.log(`audit log benchmark on ${JSON.stringify(machine())}`);
  console.log(
    table([
      {
        measure: 'durable appends/s, one at a time (baseline)',
        value: round(seqRate),
        goal: '-',
        ratio: '1.0x',
      },
      {
        measure: `durable appends/s, default (Ed25519/record), ${N} x 256 in flight`,
        value: round(defRate),
        goal: '>= 5000',
        ratio: `${round(defRate / seqRate)}x`,
      },
      {
        measure: `durable appends/s, ML-DSA-65 on every record, ${N_PQ} x 64 in flight`,
        value: round(pqRate),
        goal: '>= 150',
        ratio: `${round(pqRate / seqRate, 2)}x`,
      },
      { measure: 'verified records/s, 1 worker (baseline)', value: round(verify1), goal: '-', ratio: '1.0x' },
      {
        measure: `verified records/s, default pool (${full.records} records)`,
        value: round(verifyRate),
        goal: '>= 8000',
        ratio: `${round(verifyRate / verify1, 2)}x`,
      },
      {
        measure: 'verified records/s, per-record ML-DSA log',
        value: round(pqVerifyRate),
        goal: '-',
        ratio: '-',
      },
    ]),
  );
  console.log(
    JSON.stringify({
      bench: 'audit',
      machine: machine(),
      appends_per_s_sequential: round(seqRate),
      appends_per_s_default: round(defRate),
      appends_per_s_mldsa_per_record: round(pqRate),
      verified_records_per_s: round(verifyRate),
      verified_records_per_s_1_worker: round(verify1),
      verified_records_per_s_mldsa_per_record: round(pqVerifyRate),
      goals_met: { appends: defRate >= 5000, mldsa: pqRate >= 150, verify: verifyRate >= 8000 },
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}

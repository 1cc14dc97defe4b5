import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../core/canonical-json.js';
import { bytesEqual } from '../core/bytes.js';
import { AegisError, fail, type ErrorCode } from '../core/errors.js';
import { fromBase64, fromHex, toHex } from '../core/encoding.js';
import { decodeSpki } from '../crypto/der.js';
import { fingerprint } from '../crypto/fingerprint.js';
import { sha3_256 } from '../crypto/hash.js';
import type { MlDsaAlgorithm } from '../crypto/mldsa.js';
import { sharedCryptoPool, type CryptoPool, type VerifyItem } from '../crypto/worker-pool.js';
import { checkpointParts, type CheckpointParts } from './checkpoint.js';
import { checkpointsPath, listSegments, readLines } from './files.js';
import { CompactRange } from './merkle.js';
import { RECORD_HASH_DOMAIN, recordSigningBytes, ZERO_HASH } from './record.js';

/**
 * Offline verification of a whole log (DESIGN.md, flow "Audit"): chain, every required signature, every
 * checkpoint (root, both signatures, nothing truncated below it) and, when given, the expected keys.
 * The first failing seq is the smallest seq any check fails at; the error code says which check.
 */
export interface VerifyOptions {
  dir: string;
  /** Pinned keys (SPKI DER). Without them a full key substitution cannot be told from the real log. */
  expectedKeys?: { ed25519: Uint8Array; mldsa: Uint8Array };
  pool?: CryptoPool;
}

export interface VerifyFinding {
  seq: number | null;
  code: ErrorCode;
  message: string;
}

export interface AuditReport {
  ok: boolean;
  records: number;
  checkpoints: number;
  signatures: { ed25519: number; ml_dsa: number };
  first_error: VerifyFinding | null;
  warnings: VerifyFinding[];
  log_id: string | null;
  origin: string | null;
  pq: string | null;
  keys: { ed25519: string; ml_dsa_65: string } | null;
  keys_pinned: boolean;
  /** Hardware binding facts from the genesis record (evidence digest), when present. */
  evidence_digest: string | null;
}

interface GenesisKeys {
  ed25519: Uint8Array;
  mldsa: Uint8Array;
  mldsaAlg: MlDsaAlgorithm;
}

const BATCH = 1024;

export async function verifyAuditLog(opts: VerifyOptions): Promise<AuditReport> {
  const { dir } = opts;
  const segments = listSegments(dir);
  if (segments.length === 0) fail('AUDIT_LOG_MISSING', `no audit log in ${dir}`);
  const report: AuditReport = {
    ok: false,
    records: 0,
    checkpoints: 0,
    signatures: { ed25519: 0, ml_dsa: 0 },
    first_error: null,
    warnings: [],
    log_id: null,
    origin: null,
    pq: null,
    keys: null,
    keys_pinned: opts.expectedKeys !== undefined,
    evidence_digest: null,
  };
  const errors: VerifyFinding[] = [];
  const errorAt = (seq: number | null, code: ErrorCode, message: string): void =>
    void errors.push({ seq, code, message });

  // Checkpoints first: the walk below snapshots the Merkle root at each checkpointed size.
  const cps = readCheckpoints(dir, errorAt);
  const wantedSizes = new Set(cps.map((c) => c.size));
  const rootsAt = new Map<number, Uint8Array>();
  const tree = new CompactRange();
  if (wantedSizes.has(0)) rootsAt.set(0, tree.root());

  let genesis: GenesisKeys | undefined;
  let perRecordPq = false;
  const pool = opts.pool ?? sharedCryptoPool();
  // Signature batches are dispatched to the worker pool while the walk goes on, so hashing on this thread and
  // verification in the workers overlap.
  let edItems: VerifyItem[] = [];
  const edBatches: Promise<Uint8Array>[] = [];
  const flushEd = (): void => {
    if (edItems.length > 0 && genesis) edBatches.push(pool.ed25519VerifyBatch(genesis.ed25519, edItems));
    edItems = [];
  };
  const pqItems: VerifyItem[] = [];
  const pqSeqs: number[] = [];
  let cpSigs: Promise<CheckpointSig[]> | undefined;
  let seq = 0;
  let prev = ZERO_HASH;
  let stopped = false;

  walk: for (let si = 0; si < segments.length; si++) {
    const name = segments[si] as string;
    const { lines, tail } = readLines(join(dir, name));
    for (const line of lines) {
      const finding = checkRecord(line, seq, prev);
      if (typeof finding === 'object' && 'code' in finding) {
        errorAt(seq, finding.code, finding.message);
        stopped = true;
        break walk;
      }
      const { rec, hash } = finding;
      if (seq === 0) {
        const g = readGenesis(rec, opts, report);
        if (g instanceof AegisError) {
          errorAt(0, g.code, g.message);
          stopped = true;
          break walk;
        }
        genesis = g;
        perRecordPq = report.pq === 'per-record';
        cpSigs = checkpointSignatures(cps, g, report.origin, pool);
      } else if (rec['kind'] === 'genesis') {
        errorAt(seq, 'AUDIT_GENESIS_INVALID', `a second genesis record at seq ${seq}: two logs were spliced`);
        stopped = true;
        break walk;
      }
      const sig = (rec['sig'] ?? {}) as { ed25519?: unknown; ml_dsa_65?: unknown };
      const msg = recordSigningBytes(hash);
      if (typeof sig.ed25519 !== 'string') {
        errorAt(seq, 'AUDIT_SIGNATURE_MISSING', `record ${seq} has no Ed25519 signature`);
        stopped = true;
        break walk;
      }
      edItems.push({ msg, sig: decodeSig(sig.ed25519) });
      if (edItems.length >= BATCH) flushEd();
      if (perRecordPq || seq === 0) {
        if (typeof sig.ml_dsa_65 !== 'string') {
          errorAt(
            seq,
            'AUDIT_SIGNATURE_MISSING',
            `record ${seq} has no ML-DSA-65 signature, which this log requires`,
          );
          stopped = true;
          break walk;
        }
        pqItems.push({ msg, sig: decodeSig(sig.ml_dsa_65) });
        pqSeqs.push(seq);
      }
      tree.append(hash);
      prev = toHex(hash);
      seq++;
      if (wantedSizes.has(seq)) rootsAt.set(seq, tree.root());
    }
    if (tail.length > 0) {
      if (si === segments.length - 1) {
        report.warnings.push({
          seq,
          code: 'AUDIT_TORN_TAIL',
          message: `${name} ends with ${tail.length} bytes of an interrupted append; the next writer sets them aside`,
        });
      } else {
        errorAt(
          seq,
          'AUDIT_SEGMENT_CORRUPT',
          `${name} ends with an incomplete line but is not the last segment`,
        );
        stopped = true;
        break;
      }
    }
  }
  report.records = seq;

  // Signatures: the last Ed25519 batch, then every result in order.
  if (genesis) {
    flushEd();
    const edResults = await Promise.all(edBatches);
    let i = 0;
    for (const r of edResults)
      for (const ok of r) {
        if (ok) report.signatures.ed25519++;
        else
          errorAt(
            i,
            'AUDIT_SIGNATURE_INVALID',
            `the Ed25519 signature of record ${i} does not verify under the log's key`,
          );
        i++;
      }
    const pqPk = decodeSpki(genesis.mldsa).publicKey;
    const pqResults = await Promise.all(
      chunks(pqItems, 16).map((c) => pool.mlDsaVerifyBatch((genesis as GenesisKeys).mldsaAlg, pqPk, c)),
    );
    let j = 0;
    for (const r of pqResults)
      for (const ok of r) {
        const s = pqSeqs[j++] as number;
        if (ok) report.signatures.ml_dsa++;
        else
          errorAt(
            s,
            'AUDIT_SIGNATURE_INVALID',
            `the ML-DSA-65 signature of record ${s} does not verify under the log's key`,
          );
      }
    checkCheckpoints(cps, await (cpSigs ?? Promise.resolve([])), report, rootsAt, stopped, errorAt);
  }

  errors.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  report.first_error = errors[0] ?? null;
  report.ok = report.first_error === null;
  return report;
}

type Checker = (seq: number | null, code: ErrorCode, message: string) => void;

interface StoredCheckpoint {
  line: number;
  size: number;
  note: string;
}

function readCheckpoints(dir: string, errorAt: Checker): StoredCheckpoint[] {
  const path = checkpointsPath(dir);
  if (!existsSync(path)) return [];
  const { lines } = readLines(path);
  const out: StoredCheckpoint[] = [];
  lines.forEach((line, i) => {
    try {
      const o = JSON.parse(line) as { size?: unknown; note?: unknown };
      if (
        typeof o.size !== 'number' ||
        !Number.isSafeInteger(o.size) ||
        o.size < 0 ||
        typeof o.note !== 'string'
      )
        throw new Error('shape');
      out.push({ line: i, size: o.size, note: o.note });
    } catch {
      errorAt(null, 'AUDIT_CHECKPOINT_INVALID', `checkpoint line ${i + 1} is malformed`);
    }
  });
  return out;
}

/** A checkpoint's parsed form and signature results (or why it could not be parsed). */
type CheckpointSig = { parts: CheckpointParts; mldsa: boolean } | { error: AegisError };

/**
 * Parses every checkpoint and checks its two signatures: Ed25519 here, ML-DSA-65 (the slow one, ~3 ms each)
 * in the worker pool, started as soon as the genesis keys are known so it overlaps the record walk.
 */
async function checkpointSignatures(
  cps: StoredCheckpoint[],
  g: GenesisKeys,
  origin: string | null,
  pool: CryptoPool,
): Promise<CheckpointSig[]> {
  const parts: CheckpointSig[] = cps.map((cp) => {
    try {
      return {
        parts: checkpointParts(cp.note, { ed25519: g.ed25519, mldsa: g.mldsa }, origin ?? undefined),
        mldsa: false,
      };
    } catch (e) {
      return { error: e instanceof AegisError ? e : new AegisError('AUDIT_CHECKPOINT_INVALID', String(e)) };
    }
  });
  const withSig = parts.filter(
    (p): p is { parts: CheckpointParts; mldsa: boolean } =>
      'parts' in p && p.parts.mldsaSignature !== undefined,
  );
  const pk = decodeSpki(g.mldsa).publicKey;
  const results = await Promise.all(
    chunks(withSig, 8).map((c) =>
      pool.mlDsaVerifyBatch(
        g.mldsaAlg,
        pk,
        c.map((p) => ({ msg: p.parts.msg, sig: p.parts.mldsaSignature })),
      ),
    ),
  );
  let i = 0;
  for (const r of results) for (const ok of r) (withSig[i++] as { mldsa: boolean }).mldsa = ok === 1;
  return parts;
}

function checkCheckpoints(
  cps: StoredCheckpoint[],
  sigs: CheckpointSig[],
  report: AuditReport,
  rootsAt: Map<number, Uint8Array>,
  stopped: boolean,
  errorAt: Checker,
): void {
  let lastSize = -1;
  cps.forEach((cp, idx) => {
    const at = cp.size > 0 ? cp.size - 1 : 0;
    const sig = sigs[idx];
    try {
      if (sig === undefined) return;
      if ('error' in sig) throw sig.error;
      const v = { checkpoint: sig.parts.checkpoint, ed25519: sig.parts.ed25519, mldsa: sig.mldsa };
      if (v.checkpoint.size !== cp.size)
        throw new AegisError(
          'AUDIT_CHECKPOINT_INVALID',
          `checkpoint line ${cp.line + 1} states size ${cp.size} but its note says ${v.checkpoint.size}`,
        );
      if (!v.ed25519 || !v.mldsa) {
        errorAt(
          at,
          'AUDIT_CHECKPOINT_SIGNATURE_INVALID',
          `checkpoint of size ${cp.size}: ${!v.ed25519 ? 'Ed25519' : 'ML-DSA-65'} signature missing or invalid`,
        );
        return;
      }
      report.signatures.ed25519++;
      report.signatures.ml_dsa++;
      report.checkpoints++;
      if (cp.size < lastSize)
        errorAt(
          at,
          'AUDIT_CHECKPOINT_INVALID',
          `checkpoint sizes go backwards (${lastSize} then ${cp.size})`,
        );
      lastSize = Math.max(lastSize, cp.size);
      if (cp.size > report.records) {
        if (!stopped) {
          errorAt(
            report.records,
            'AUDIT_TRUNCATED',
            `a signed checkpoint covers ${cp.size} records but the log holds ${report.records}: records from seq ${report.records} were removed`,
          );
        }
        return;
      }
      const root = rootsAt.get(cp.size);
      if (root && !bytesEqual(root, v.checkpoint.root)) {
        errorAt(
          at,
          'AUDIT_CHECKPOINT_ROOT_MISMATCH',
          `the Merkle root of the first ${cp.size} records differs from the signed checkpoint`,
        );
      }
    } catch (e) {
      const err = e instanceof AegisError ? e : new AegisError('AUDIT_CHECKPOINT_INVALID', String(e));
      errorAt(
        at,
        err.code.startsWith('AUDIT_') ? err.code : 'AUDIT_CHECKPOINT_INVALID',
        `checkpoint line ${cp.line + 1}: ${err.message}`,
      );
    }
  });
  if (cps.length === 0 && report.records > 0) {
    report.warnings.push({
      seq: null,
      code: 'AUDIT_NO_CHECKPOINT',
      message: 'the log has no signed checkpoint yet; truncation cannot be detected',
    });
  } else if (lastSize >= 0 && lastSize < report.records) {
    report.warnings.push({
      seq: lastSize,
      code: 'AUDIT_UNCHECKPOINTED_TAIL',
      message: `records from seq ${lastSize} are not yet covered by a checkpoint`,
    });
  }
}

type Parsed = { rec: Record<string, unknown>; hash: Uint8Array } | { code: ErrorCode; message: string };

/** Shape, sequence, chain and hash of one line; signatures are checked later in batches. */
function checkRecord(line: string, seq: number, prev: string): Parsed {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { code: 'AUDIT_RECORD_MALFORMED', message: `record ${seq} is not valid JSON` };
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec))
    return { code: 'AUDIT_RECORD_MALFORMED', message: `record ${seq} is not a JSON object` };
  if (rec['v'] !== 1)
    return {
      code: 'AUDIT_RECORD_MALFORMED',
      message: `record ${seq} has unsupported version ${String(rec['v'])}`,
    };
  if (rec['seq'] !== seq) {
    return {
      code: 'AUDIT_SEQ_MISMATCH',
      message: `expected seq ${seq}, found ${String(rec['seq'])}: a record was deleted, inserted or reordered`,
    };
  }
  if (rec['prev_hash'] !== prev)
    return {
      code: 'AUDIT_CHAIN_BROKEN',
      message: `record ${seq} does not link to record ${seq - 1} (prev_hash differs)`,
    };
  const stated = rec['this_hash'];
  if (typeof stated !== 'string' || !/^[0-9a-f]{64}$/.test(stated))
    return { code: 'AUDIT_RECORD_MALFORMED', message: `record ${seq} has no valid this_hash` };
  const { this_hash: _h, sig: _s, ...body } = rec;
  let canon: string;
  try {
    canon = canonicalJson(body);
  } catch {
    return { code: 'AUDIT_RECORD_MALFORMED', message: `record ${seq} cannot be canonicalised` };
  }
  const hash = sha3_256(RECORD_HASH_DOMAIN, canon);
  if (!bytesEqual(hash, fromHex(stated)))
    return {
      code: 'AUDIT_HASH_MISMATCH',
      message: `record ${seq} was modified: its content does not hash to this_hash`,
    };
  return { rec, hash };
}

function readGenesis(
  rec: Record<string, unknown>,
  opts: VerifyOptions,
  report: AuditReport,
): GenesisKeys | AegisError {
  if (rec['kind'] !== 'genesis' || rec['prev_hash'] !== ZERO_HASH)
    return new AegisError('AUDIT_GENESIS_INVALID', 'record 0 is not a genesis record');
  const data = rec['data'] as {
    log_id?: unknown;
    origin?: unknown;
    pq?: unknown;
    evidence_digest?: unknown;
    keys?: { ed25519?: { spki?: unknown }; ml_dsa_65?: { spki?: unknown } };
  } | null;
  try {
    const edSpki = fromBase64(String(data?.keys?.ed25519?.spki), 'genesis Ed25519 key');
    const pqSpki = fromBase64(String(data?.keys?.ml_dsa_65?.spki), 'genesis ML-DSA key');
    const ed = decodeSpki(edSpki);
    const pq = decodeSpki(pqSpki);
    if (ed.alg !== 'ed25519' || pq.alg === 'ed25519') throw new Error('algorithms');
    report.log_id = typeof data?.log_id === 'string' ? data.log_id : null;
    report.origin = typeof data?.origin === 'string' ? data.origin : null;
    report.pq = data?.pq === 'per-record' ? 'per-record' : 'checkpoint';
    report.evidence_digest = typeof data?.evidence_digest === 'string' ? data.evidence_digest : null;
    report.keys = { ed25519: fingerprint(edSpki), ml_dsa_65: fingerprint(pqSpki) };
    if (
      opts.expectedKeys &&
      (!bytesEqual(opts.expectedKeys.ed25519, edSpki) || !bytesEqual(opts.expectedKeys.mldsa, pqSpki))
    ) {
      return new AegisError(
        'AUDIT_KEY_MISMATCH',
        `the log's keys (${report.keys.ed25519}, ${report.keys.ml_dsa_65}) are not the expected keys (${fingerprint(opts.expectedKeys.ed25519)}, ${fingerprint(opts.expectedKeys.mldsa)})`,
      );
    }
    return { ed25519: edSpki, mldsa: pqSpki, mldsaAlg: pq.alg as MlDsaAlgorithm };
  } catch (e) {
    return e instanceof AegisError && e.code === 'AUDIT_KEY_MISMATCH'
      ? e
      : new AegisError(
          'AUDIT_GENESIS_INVALID',
          'the genesis record does not declare valid Ed25519 and ML-DSA public keys',
        );
  }
}

function decodeSig(b64: string): Uint8Array | undefined {
  try {
    return fromBase64(b64);
  } catch {
    return undefined;
  }
}

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

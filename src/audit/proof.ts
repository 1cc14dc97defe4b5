import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { canonicalJson } from '../core/canonical-json.js';
import { bytesEqual, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { fromBase64, fromHex, toBase64 } from '../core/encoding.js';
import { ed25519PublicKey, ed25519Verify } from '../crypto/ed25519.js';
import { sha3_256 } from '../crypto/hash.js';
import { verifyCheckpointNote, type CheckpointKeys } from './checkpoint.js';
import { checkpointsPath, listSegments, readLines } from './files.js';
import { inclusionProof, leafHash, verifyInclusion } from './merkle.js';
import { RECORD_HASH_DOMAIN, recordSigningBytes } from './record.js';

/**
 * Offline inclusion proofs in the c2sp.org/tlog-proof@v1 text format:
 *   c2sp.org/tlog-proof@v1
 *   extra <base64 of the record's JSON line>   (unauthenticated; lets a verifier recompute the leaf)
 *   index <seq>
 *   <base64 sibling hashes, leaf to root>
 *   <blank line>
 *   <the signed checkpoint, verbatim>
 */
export const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export function buildProof(dir: string, seq: number): string {
  const hashes: Uint8Array[] = [];
  let line: string | undefined;
  for (const name of listSegments(dir)) {
    for (const l of readLines(join(dir, name)).lines) {
      const rec = JSON.parse(l) as { this_hash: string };
      if (hashes.length === seq) line = l;
      hashes.push(fromHex(rec.this_hash));
    }
  }
  if (line === undefined)
    fail('AUDIT_SEQ_NOT_FOUND', `the log has no record ${seq} (it holds ${hashes.length})`);
  const cpPath = checkpointsPath(dir);
  const cps = existsSync(cpPath)
    ? readLines(cpPath).lines.map((l) => JSON.parse(l) as { size: number; note: string })
    : [];
  const cp = cps.filter((c) => c.size > seq && c.size <= hashes.length).sort((a, b) => b.size - a.size)[0];
  if (!cp)
    fail('AUDIT_NO_CHECKPOINT', `no checkpoint covers record ${seq} yet; run 'aegis audit checkpoint' first`);
  const leaves = hashes.slice(0, cp.size).map(leafHash);
  const path = inclusionProof(leaves, seq);
  return [
    PROOF_HEADER,
    `extra ${toBase64(utf8.encode(line))}`,
    `index ${seq}`,
    ...path.map(toBase64),
    '',
    cp.note,
  ].join('\n');
}

export interface ProofVerdict {
  ok: boolean;
  index: number;
  size: number;
  origin: string;
  this_hash: string | null;
  checks: {
    checkpoint_signatures: boolean;
    inclusion: boolean;
    record_hash: boolean | null;
    record_signature: boolean | null;
  };
}

export function verifyProof(text: string, keys: CheckpointKeys): ProofVerdict {
  const lines = text.split('\n');
  if (lines[0] !== PROOF_HEADER) fail('PROOF_MALFORMED', `a proof must start with ${PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (lines[i]?.startsWith('extra ')) extra = fromBase64((lines[i++] as string).slice(6), 'proof extra');
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i++] ?? '');
  if (!m) fail('PROOF_MALFORMED', 'missing or malformed index line');
  const index = Number(m[1]);
  const path: Uint8Array[] = [];
  while (i < lines.length && lines[i] !== '') {
    const h = fromBase64(lines[i++] as string, 'proof hash');
    if (h.length !== 32) fail('PROOF_MALFORMED', 'an inclusion proof hash is not 32 bytes');
    path.push(h);
  }
  if (lines[i] !== '') fail('PROOF_MALFORMED', 'no blank line before the checkpoint');
  const note = lines.slice(i + 1).join('\n');
  const v = verifyCheckpointNote(note, keys);
  const verdict: ProofVerdict = {
    ok: false,
    index,
    size: v.checkpoint.size,
    origin: v.checkpoint.origin,
    this_hash: null,
    checks: {
      checkpoint_signatures: v.ed25519 && v.mldsa,
      inclusion: false,
      record_hash: null,
      record_signature: null,
    },
  };
  if (!extra) fail('PROOF_MALFORMED', 'the proof carries no record (extra line); nothing to prove');
  const rec = JSON.parse(utf8.decode(extra, 'proof record')) as Record<string, unknown>;
  const { this_hash: stated, sig, ...body } = rec;
  if (typeof stated !== 'string' || !/^[0-9a-f]{64}$/.test(stated))
    fail('PROOF_MALFORMED', 'the proof record has no this_hash');
  const hash = sha3_256(RECORD_HASH_DOMAIN, canonicalJson(body));
  verdict.this_hash = stated;
  verdict.checks.record_hash = bytesEqual(hash, fromHex(stated)) && body['seq'] === index;
  const edSig = (sig as { ed25519?: unknown } | undefined)?.ed25519;
  verdict.checks.record_signature =
    typeof edSig === 'string' &&
    ed25519Verify(ed25519PublicKey(keys.ed25519), recordSigningBytes(hash), fromBase64(edSig));
  verdict.checks.inclusion = verifyInclusion(
    leafHash(hash),
    index,
    v.checkpoint.size,
    path,
    v.checkpoint.root,
  );
  verdict.ok =
    verdict.checks.checkpoint_signatures &&
    verdict.checks.inclusion &&
    verdict.checks.record_hash === true &&
    verdict.checks.record_signature === true;
  return verdict;
}

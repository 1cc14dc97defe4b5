import { bytesEqual, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { fromBase64, toBase64 } from '../core/encoding.js';
import { ed25519PublicKey, ed25519RawPublicKey, ed25519Verify } from '../crypto/ed25519.js';
import { decodeSpki } from '../crypto/der.js';
import { mlDsaVerify } from '../crypto/mldsa.js';
import type { SignatureAlgorithm, Signer } from '../crypto/signer.js';
import { ED25519_TYPE, formatNote, MLDSA65_TYPE, noteKeyId, parseNote, type NoteSignature } from './note.js';

/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text is "<origin>\n<size>\n<base64 root>\n",
 * signed with an Ed25519 line and an ML-DSA-65 line by the log's keys (DESIGN.md, Contracts: Checkpoints).
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export interface CheckpointKeys {
  /** Ed25519 SPKI DER. */
  ed25519: Uint8Array;
  /** ML-DSA-65 SPKI DER. */
  mldsa: Uint8Array;
}

export function checkpointText(cp: Checkpoint): string {
  if (cp.origin.length === 0 || /[\s+]/u.test(cp.origin))
    fail('NOTE_MALFORMED', 'checkpoint origin must have no spaces or "+"');
  return `${cp.origin}\n${cp.size}\n${toBase64(cp.root)}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  // At least origin, size, root and the empty string after the final newline; extension lines are allowed.
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    fail('CHECKPOINT_MALFORMED', 'checkpoint text must have three lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText))
    fail('CHECKPOINT_MALFORMED', 'checkpoint size is not a decimal without leading zeros');
  const root = fromBase64(rootText, 'checkpoint root');
  if (root.length !== 32) fail('CHECKPOINT_MALFORMED', 'checkpoint root is not 32 bytes');
  return { origin, size: Number(sizeText), root };
}

export async function signCheckpoint(cp: Checkpoint, signer: Signer): Promise<string> {
  const text = checkpointText(cp);
  const msg = utf8.encode(text);
  const edPk = ed25519RawPublicKey(signer.publicKeys.ed25519.spki);
  const pqPk = decodeSpki(signer.publicKeys.mldsa.spki).publicKey;
  const signatures: NoteSignature[] = [
    { name: cp.origin, keyId: noteKeyId(cp.origin, ED25519_TYPE, edPk), signature: signer.signEd25519(msg) },
    {
      name: cp.origin,
      keyId: noteKeyId(cp.origin, MLDSA65_TYPE, pqPk),
      signature: await signer.signMlDsa(msg),
    },
  ];
  return formatNote({ text, signatures });
}

/** A parsed checkpoint with its Ed25519 line checked and its ML-DSA-65 line extracted (not yet verified). */
export interface CheckpointParts {
  checkpoint: Checkpoint;
  ed25519: boolean;
  /** The signed bytes (the note text) and the ML-DSA-65 signature of the line under the log's key, if any. */
  msg: Uint8Array;
  mldsaSignature: Uint8Array | undefined;
  mldsaAlg: SignatureAlgorithm;
  mldsaPublicKey: Uint8Array;
}

/**
 * Parses a signed checkpoint, verifies its Ed25519 line and picks out its ML-DSA-65 line, so that callers
 * verifying many checkpoints can run the ML-DSA checks in the worker pool. Lines from unknown keys are
 * ignored (signed-note §Verification).
 */
export function checkpointParts(
  note: string,
  keys: CheckpointKeys,
  expectedOrigin?: string,
): CheckpointParts {
  const parsed = parseNote(note);
  const checkpoint = parseCheckpointText(parsed.text);
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    fail(
      'CHECKPOINT_ORIGIN_MISMATCH',
      `checkpoint origin ${checkpoint.origin} is not this log's (${expectedOrigin})`,
    );
  }
  const msg = utf8.encode(parsed.text);
  const edRaw = ed25519RawPublicKey(keys.ed25519);
  const pq = decodeSpki(keys.mldsa);
  const edId = noteKeyId(checkpoint.origin, ED25519_TYPE, edRaw);
  const pqId = noteKeyId(checkpoint.origin, MLDSA65_TYPE, pq.publicKey);
  const edKey = ed25519PublicKey(keys.ed25519);
  let ed25519 = false;
  let mldsaSignature: Uint8Array | undefined;
  for (const s of parsed.signatures) {
    if (s.name !== checkpoint.origin) continue;
    if (bytesEqual(s.keyId, edId)) ed25519 = ed25519Verify(edKey, msg, s.signature);
    else if (bytesEqual(s.keyId, pqId) && pq.alg !== 'ed25519') mldsaSignature = s.signature;
  }
  return { checkpoint, ed25519, msg, mldsaSignature, mldsaAlg: pq.alg, mldsaPublicKey: pq.publicKey };
}

export interface CheckpointVerdict {
  checkpoint: Checkpoint;
  ed25519: boolean;
  mldsa: boolean;
}

/** Parses a signed checkpoint and checks BOTH required signatures under the given keys. */
export function verifyCheckpointNote(
  note: string,
  keys: CheckpointKeys,
  expectedOrigin?: string,
): CheckpointVerdict {
  const p = checkpointParts(note, keys, expectedOrigin);
  const mldsa =
    p.mldsaSignature !== undefined &&
    p.mldsaAlg !== 'ed25519' &&
    mlDsaVerify(p.mldsaAlg, p.mldsaPublicKey, p.msg, p.mldsaSignature);
  return { checkpoint: p.checkpoint, ed25519: p.ed25519, mldsa };
}

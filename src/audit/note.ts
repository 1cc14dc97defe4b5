import { concatBytes, utf8 } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { fromBase64, toBase64 } from '../core/encoding.js';
import { sha256 } from '../crypto/hash.js';

/**
 * C2SP signed notes (c2sp.org/signed-note): text ending in "\n", a blank line, then lines
 * "— <key name> <base64(4-byte key ID ‖ signature)>\n". The text is split from the signatures at the LAST
 * blank line.
 *
 * Signature types: Ed25519 is 0x01 (signed-note §Ed25519). The spec assigns no byte to ML-DSA-65 (0x06 is a
 * timestamped ML-DSA-44 cosignature with a different signed message), so our ML-DSA-65 note signature uses
 * 0xff followed by a long identifier, as signed-note §Signature types recommends for unassigned types.
 */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_OTHER = 0xff;
export const MLDSA65_NOTE_IDENTIFIER = utf8.encode('aegis-t3/ml-dsa-65-note@v1');
const EM_DASH = '\u2014';

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

/** key ID = SHA-256(name ‖ 0x0A ‖ type bytes ‖ public key)[:4] (signed-note §Signatures). */
export function noteKeyId(name: string, typeBytes: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8.encode(name), Uint8Array.of(0x0a), typeBytes, publicKey)).slice(0, 4);
}

export const ED25519_TYPE = Uint8Array.of(SIG_TYPE_ED25519);
export const MLDSA65_TYPE = concatBytes(Uint8Array.of(SIG_TYPE_OTHER), MLDSA65_NOTE_IDENTIFIER);

function checkName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name))
    fail('NOTE_MALFORMED', 'note key names must be non-empty without spaces or "+"');
}

export function formatNote(note: SignedNote): string {
  if (!note.text.endsWith('\n')) fail('NOTE_MALFORMED', 'note text must end with a newline');
  let out = note.text + '\n';
  for (const s of note.signatures) {
    checkName(s.name);
    out += `${EM_DASH} ${s.name} ${toBase64(concatBytes(s.keyId, s.signature))}\n`;
  }
  return out;
}

export function parseNote(raw: string): SignedNote {
  // signed-note §Format: valid UTF-8 with no control characters other than newline.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) fail('NOTE_MALFORMED', 'note contains control characters');
  }
  const split = raw.lastIndexOf('\n\n');
  if (split < 0) fail('NOTE_MALFORMED', 'note has no blank line before its signatures');
  const text = raw.slice(0, split + 1);
  const sigText = raw.slice(split + 2);
  if (!sigText.endsWith('\n')) fail('NOTE_MALFORMED', 'note signature block must end with a newline');
  const signatures: NoteSignature[] = [];
  for (const line of sigText.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined)
      fail('NOTE_MALFORMED', 'malformed note signature line');
    const blob = fromBase64(m[2], 'note signature');
    if (blob.length < 5) fail('NOTE_MALFORMED', 'note signature too short');
    signatures.push({ name: m[1], keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  if (signatures.length === 0) fail('NOTE_MALFORMED', 'note has no signatures');
  return { text, signatures };
}

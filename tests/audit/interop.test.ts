import { describe, expect, it } from 'vitest';
import { createMLDSA65 } from '@oqs/liboqs-js';
import { signCheckpoint } from '#audit/checkpoint.js';
import { MLDSA65_TYPE, noteKeyId, parseNote } from '#audit/note.js';
import { utf8, bytesEqual } from '#core/bytes.js';
import { decodeSpki } from '#crypto/der.js';
import { freshSigner } from '../helpers/audit.js';

/**
 * Interop (issue 2 acceptance): a checkpoint's ML-DSA-65 signature and public key verify with an
 * independent implementation, liboqs (C, compiled to WASM) through @oqs/liboqs-js, which signs and verifies
 * pure ML-DSA with the empty context only — the profile Aegis uses.
 */
describe('checkpoint ML-DSA-65 signature verifies in liboqs', () => {
  it('liboqs accepts our signature and public key, and rejects a changed note', async () => {
    const signer = freshSigner();
    const note = await signCheckpoint(
      { origin: 'aegis.local/log/interop', size: 42, root: new Uint8Array(32).fill(7) },
      signer,
    );
    const parsed = parseNote(note);
    const pk = decodeSpki(signer.publicKeys.mldsa.spki).publicKey;
    const line = parsed.signatures.find((s) =>
      bytesEqual(s.keyId, noteKeyId(parsed.signatures[0]?.name ?? '', MLDSA65_TYPE, pk)),
    );
    expect(line?.signature.length).toBe(3309);
    const oqs = await createMLDSA65();
    try {
      const msg = new Uint8Array(utf8.encode(parsed.text));
      expect(oqs.verify(msg, new Uint8Array(line?.signature ?? []), new Uint8Array(pk))).toBe(true);
      const changed = new Uint8Array(utf8.encode(parsed.text.replace('\n42\n', '\n43\n')));
      expect(oqs.verify(changed, new Uint8Array(line?.signature ?? []), new Uint8Array(pk))).toBe(false);
    } finally {
      oqs.destroy?.();
    }
  });
});

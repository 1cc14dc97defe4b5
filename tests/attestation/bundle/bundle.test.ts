import { describe, expect, it } from 'vitest';
import { bindingDigest, qualifyingData, BINDING_LABEL } from '#attestation/bundle/binding.js';
import { verifyBundle } from '#attestation/bundle/verify.js';
import { concatBytes } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { sha3_256, sha512 } from '#crypto/hash.js';

describe('evidence binding (DESIGN.md, Evidence flow)', () => {
  it('report_data = SHA-512("aegis-evidence-v1" ‖ SHA3-256(Ed SPKI) ‖ SHA3-256(ML-DSA SPKI) ‖ nonce); qualifyingData = first 32 B', () => {
    const ed = new Uint8Array(44).fill(1);
    const pq = new Uint8Array(1974).fill(2);
    const nonce = new Uint8Array(32).fill(3);
    const want = sha512(
      concatBytes(new TextEncoder().encode('aegis-evidence-v1'), sha3_256(ed), sha3_256(pq), nonce),
    );
    expect(new TextDecoder().decode(BINDING_LABEL)).toBe('aegis-evidence-v1');
    const got = bindingDigest(ed, pq, nonce);
    expect(toHex(got)).toBe(toHex(want));
    expect(got.length).toBe(64);
    expect(toHex(qualifyingData(got))).toBe(toHex(want.slice(0, 32)));
    expect(() => bindingDigest(ed, pq, new Uint8Array(8))).toThrow(
      expect.objectContaining({ code: 'BUNDLE_NONCE_INVALID' }),
    );
  });

  it('malformed bundles are rejected with codes, never exceptions', () => {
    for (const bad of [null, 42, 'x', {}, { format: 'aegis-evidence-bundle/v1' }, { format: 'other' }]) {
      const v = verifyBundle(bad, { at: new Date() });
      expect(v.ok).toBe(false);
      expect(v.errors[0]?.code).toBe('BUNDLE_INVALID');
    }
  });
});

import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPem } from '#crypto/der.js';
import { toHex } from '#core/encoding.js';
import { keyFilePaths, loadFileSigner, readPublicKeys, writeFileKeys } from '#crypto/key-files.js';
import { fingerprint } from '#crypto/fingerprint.js';
import { sha3_256 } from '#crypto/hash.js';
import { ed25519PublicKey, ed25519Verify } from '#crypto/ed25519.js';
import { mlDsaVerify } from '#crypto/mldsa.js';
import { decodeSpki } from '#crypto/der.js';
import { tempDir } from '../helpers/audit.js';

describe('key files', () => {
  it('writes private keys 0600 as seed-format PKCS#8 and public keys as SPKI (RFC 8410, RFC 9881)', () => {
    const dir = tempDir();
    const keys = writeFileKeys(dir);
    const p = keyFilePaths(dir);
    expect(statSync(p.ed25519Key).mode & 0o777).toBe(0o600);
    expect(statSync(p.mldsaKey).mode & 0o777).toBe(0o600);
    const pq = fromPem('PRIVATE KEY', readFileSync(p.mldsaKey, 'utf8'));
    expect(pq.length).toBe(54); // RFC 9881 seed format
    expect(toHex(pq).startsWith('3034020100300b060960864801650304031204228020')).toBe(true);
    const spki = fromPem('PUBLIC KEY', readFileSync(p.mldsaPub, 'utf8'));
    expect(toHex(spki).startsWith('308207b2300b0609608648016503040312038207a100')).toBe(true);
    expect(keys.mldsa.fingerprint).toBe(toHex(sha3_256(spki)).slice(0, 16));
    expect(readPublicKeys(dir).ed25519.fingerprint).toBe(fingerprint(keys.ed25519.spki));
  });

  it('the loaded signer signs what the public keys verify', async () => {
    const dir = tempDir();
    writeFileKeys(dir);
    const s = loadFileSigner(dir);
    const msg = new TextEncoder().encode('hello');
    expect(ed25519Verify(ed25519PublicKey(s.publicKeys.ed25519.spki), msg, s.signEd25519(msg))).toBe(true);
    const pk = decodeSpki(s.publicKeys.mldsa.spki).publicKey;
    expect(mlDsaVerify('ml-dsa-65', pk, msg, await s.signMlDsa(msg))).toBe(true);
  });

  it('refuses to overwrite without --force and refuses group-readable private keys', () => {
    const dir = tempDir();
    writeFileKeys(dir);
    expect(() => writeFileKeys(dir)).toThrow(expect.objectContaining({ code: 'KEY_EXISTS' }));
    chmodSync(join(dir, 'audit-ed25519.key'), 0o644);
    expect(() => loadFileSigner(dir)).toThrow(expect.objectContaining({ code: 'KEY_FILE_PERMISSIONS' }));
  });
});

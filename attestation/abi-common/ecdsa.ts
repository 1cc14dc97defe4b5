import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/**
 * ECDSA in the raw encodings vendors use: DCAP keys are x‖y and signatures r‖s, big-endian
 * (reference/tee-evidence-layouts.md §3.5); node:crypto verifies r‖s with dsaEncoding 'ieee-p1363'.
 */

/** P-256 public key from 64-byte x‖y; undefined when the bytes are not a point on the curve. */
export function p256KeyFromXY(xy: Uint8Array): KeyObject | undefined {
  if (xy.length !== 64) return undefined;
  try {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(xy.subarray(0, 32)).toString('base64url'),
        y: Buffer.from(xy.subarray(32, 64)).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

/** Verifies a raw r‖s ECDSA signature; false (never an exception) for malformed keys or signatures. */
export function verifyRawEcdsa(
  hash: 'sha256' | 'sha384',
  data: Uint8Array,
  key: KeyObject,
  rs: Uint8Array,
): boolean {
  try {
    return cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, rs);
  } catch {
    return false;
  }
}

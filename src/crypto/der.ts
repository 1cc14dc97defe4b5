import { concatBytes } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import { fromHex } from '../core/encoding.js';
import type { SignatureAlgorithm } from './signer.js';

/**
 * Fixed DER framings for the key formats we write (DESIGN.md, Contracts: Keys):
 * - Ed25519: RFC 8410 PKCS#8 (seed) and SPKI (raw 32-byte public key), OID 1.3.101.112.
 * - ML-DSA: RFC 9881 PKCS#8 seed format `[0] OCTET STRING (SIZE(32))` and SPKI with the raw pkEncode bytes,
 *   OIDs 2.16.840.1.101.3.4.3.{17,18,19}, parameters absent
 *   (../shared/reference/pq-signatures-and-logs.md §4.1). Every key of one algorithm has the same prefix.
 */
interface Framing {
  pkcs8Prefix: Uint8Array;
  spkiPrefix: Uint8Array;
  publicKeyLength: number;
  oid: string;
}

const FRAMINGS: Record<SignatureAlgorithm, Framing> = {
  ed25519: {
    pkcs8Prefix: fromHex('302e020100300506032b657004220420'),
    spkiPrefix: fromHex('302a300506032b6570032100'),
    publicKeyLength: 32,
    oid: '1.3.101.112',
  },
  'ml-dsa-44': {
    pkcs8Prefix: fromHex('3034020100300b0609608648016503040311042280' + '20'),
    spkiPrefix: fromHex('30820532300b06096086480165030403110382052100'),
    publicKeyLength: 1312,
    oid: '2.16.840.1.101.3.4.3.17',
  },
  'ml-dsa-65': {
    pkcs8Prefix: fromHex('3034020100300b0609608648016503040312042280' + '20'),
    spkiPrefix: fromHex('308207b2300b0609608648016503040312038207a100'),
    publicKeyLength: 1952,
    oid: '2.16.840.1.101.3.4.3.18',
  },
  'ml-dsa-87': {
    pkcs8Prefix: fromHex('3034020100300b0609608648016503040313042280' + '20'),
    spkiPrefix: fromHex('30820a32300b060960864801650304031303820a2100'),
    publicKeyLength: 2592,
    oid: '2.16.840.1.101.3.4.3.19',
  },
};

export const SEED_LENGTH = 32;

export function oidOf(alg: SignatureAlgorithm): string {
  return FRAMINGS[alg].oid;
}

export function encodePkcs8Seed(alg: SignatureAlgorithm, seed: Uint8Array): Uint8Array {
  if (seed.length !== SEED_LENGTH) fail('KEY_INVALID', `${alg} seed must be 32 bytes`);
  return concatBytes(FRAMINGS[alg].pkcs8Prefix, seed);
}

export function encodeSpki(alg: SignatureAlgorithm, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== FRAMINGS[alg].publicKeyLength)
    fail('KEY_INVALID', `${alg} public key has the wrong length`);
  return concatBytes(FRAMINGS[alg].spkiPrefix, publicKey);
}

function strip(prefix: Uint8Array, der: Uint8Array, bodyLength: number): Uint8Array | undefined {
  if (der.length !== prefix.length + bodyLength) return undefined;
  for (let i = 0; i < prefix.length; i++) if (der[i] !== prefix[i]) return undefined;
  return der.slice(prefix.length);
}

/** Returns the algorithm and seed of a seed-format PKCS#8 key; expanded-only ML-DSA keys are refused. */
export function decodePkcs8Seed(der: Uint8Array): { alg: SignatureAlgorithm; seed: Uint8Array } {
  for (const alg of Object.keys(FRAMINGS) as SignatureAlgorithm[]) {
    const seed = strip(FRAMINGS[alg].pkcs8Prefix, der, SEED_LENGTH);
    if (seed) return { alg, seed };
  }
  return fail('KEY_INVALID', 'private key is not a seed-format PKCS#8 Ed25519 or ML-DSA key');
}

export function decodeSpki(der: Uint8Array): { alg: SignatureAlgorithm; publicKey: Uint8Array } {
  for (const alg of Object.keys(FRAMINGS) as SignatureAlgorithm[]) {
    const pk = strip(FRAMINGS[alg].spkiPrefix, der, FRAMINGS[alg].publicKeyLength);
    if (pk) return { alg, publicKey: pk };
  }
  return fail('KEY_INVALID', 'public key is not an Ed25519 or ML-DSA SubjectPublicKeyInfo');
}

/** PEM armour (RFC 7468) with 64-column base64 lines. */
export function toPem(label: 'PRIVATE KEY' | 'PUBLIC KEY', der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function fromPem(label: 'PRIVATE KEY' | 'PUBLIC KEY', pem: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m || m[1] === undefined) return fail('KEY_INVALID', `not a PEM ${label}`);
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

import * as nodeCrypto from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { fail } from '../core/errors.js';
import { encodePkcs8Seed, encodeSpki } from './der.js';
import type { SignatureAlgorithm } from './signer.js';

/**
 * ML-DSA (FIPS 204), pure, empty context (RFC 9881 §3 and RFC 9964 fix ctx to ""; domain separation is
 * inside the signed bytes, docs/formats.md). @noble/post-quantum on Node 20; node:crypto when the runtime
 * has ML-DSA (Node >= 24.7 with OpenSSL >= 3.5), detected once at load.
 */
export type MlDsaAlgorithm = Exclude<SignatureAlgorithm, 'ed25519'>;

const NOBLE = { 'ml-dsa-44': ml_dsa44, 'ml-dsa-65': ml_dsa65, 'ml-dsa-87': ml_dsa87 } as const;

export const ML_DSA_SIZES: Record<MlDsaAlgorithm, { publicKey: number; signature: number }> = {
  'ml-dsa-44': { publicKey: 1312, signature: 2420 },
  'ml-dsa-65': { publicKey: 1952, signature: 3309 },
  'ml-dsa-87': { publicKey: 2592, signature: 4627 },
};

function detectNative(): boolean {
  try {
    nodeCrypto.generateKeyPairSync('ml-dsa-65' as Parameters<typeof nodeCrypto.generateKeyPairSync>[0]);
    return true;
  } catch {
    return false;
  }
}

/** Whether node:crypto implements ML-DSA in this runtime (false on Node 20). */
export const nativeMlDsa: boolean = detectNative();

export interface MlDsaKeyPair {
  alg: MlDsaAlgorithm;
  publicKey: Uint8Array;
  spki: Uint8Array;
  /** FIPS 204 skEncode (expanded) key, kept in memory only. */
  secretKey: Uint8Array;
  seed: Uint8Array;
}

export function mlDsaFromSeed(alg: MlDsaAlgorithm, seed: Uint8Array): MlDsaKeyPair {
  if (seed.length !== 32) fail('KEY_INVALID', `${alg} seed must be 32 bytes`);
  const { publicKey, secretKey } = NOBLE[alg].keygen(seed);
  return { alg, publicKey, secretKey, seed, spki: encodeSpki(alg, publicKey) };
}

export function mlDsaSign(key: MlDsaKeyPair, msg: Uint8Array): Uint8Array {
  if (nativeMlDsa) {
    const pk = nodeCrypto.createPrivateKey({
      key: Buffer.from(encodePkcs8Seed(key.alg, key.seed)),
      format: 'der',
      type: 'pkcs8',
    });
    return new Uint8Array(nodeCrypto.sign(null, msg, pk));
  }
  return NOBLE[key.alg].sign(msg, key.secretKey);
}

export function mlDsaVerify(
  alg: MlDsaAlgorithm,
  publicKey: Uint8Array,
  msg: Uint8Array,
  sig: Uint8Array,
): boolean {
  if (sig.length !== ML_DSA_SIZES[alg].signature || publicKey.length !== ML_DSA_SIZES[alg].publicKey)
    return false;
  try {
    if (nativeMlDsa) {
      const k = nodeCrypto.createPublicKey({
        key: Buffer.from(encodeSpki(alg, publicKey)),
        format: 'der',
        type: 'spki',
      });
      return nodeCrypto.verify(null, msg, k, sig);
    }
    return NOBLE[alg].verify(sig, msg, publicKey);
  } catch {
    return false;
  }
}

import { fail } from '../core/errors.js';
import { ed25519FromSeed, ed25519Sign } from './ed25519.js';
import { fingerprint } from './fingerprint.js';
import { mlDsaFromSeed, mlDsaSign, nativeMlDsa, type MlDsaAlgorithm } from './mldsa.js';
import type { Signer } from './signer.js';
import { sharedCryptoPool } from './worker-pool.js';

/**
 * A Signer over the two 32-byte seeds, whatever keeps them at rest (key files, a TPM sealed object).
 * ML-DSA signing runs in the crypto worker pool so that the caller's thread keeps appending.
 */
export function signerFromSeeds(
  ed25519Seed: Uint8Array,
  mldsaSeed: Uint8Array,
  backend: string,
  mldsaAlg: MlDsaAlgorithm = 'ml-dsa-65',
): Signer {
  if (ed25519Seed.length !== 32 || mldsaSeed.length !== 32)
    fail('KEY_INVALID', 'signing seeds must be 32 bytes each');
  const ed = ed25519FromSeed(ed25519Seed);
  const pq = mlDsaFromSeed(mldsaAlg, mldsaSeed);
  return {
    backend,
    publicKeys: {
      ed25519: { alg: 'ed25519', spki: ed.spki, fingerprint: fingerprint(ed.spki) },
      mldsa: { alg: mldsaAlg, spki: pq.spki, fingerprint: fingerprint(pq.spki) },
    },
    signEd25519: (msg) => ed25519Sign(ed.privateKey, msg),
    signMlDsa: async (msg) =>
      nativeMlDsa ? mlDsaSign(pq, msg) : sharedCryptoPool().mlDsaSign(mldsaAlg, pq.secretKey, msg),
    close: async () => {
      pq.secretKey.fill(0);
    },
  };
}

import { concatBytes, utf8 } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { sha3_256, sha512 } from '#crypto/hash.js';

/**
 * Key binding (DESIGN.md, Evidence flow):
 *   report_data (64 B) = SHA-512("aegis-evidence-v1" ‖ SHA3-256(Ed25519 SPKI) ‖ SHA3-256(ML-DSA SPKI) ‖ nonce)
 *   TPM qualifyingData  = the first 32 bytes of report_data
 * so a TEE quote and a TPM quote both commit to the audit public keys and the verifier's nonce.
 */
export const BINDING_LABEL = utf8.encode('aegis-evidence-v1');

export function bindingDigest(ed25519Spki: Uint8Array, mldsaSpki: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (nonce.length < 16 || nonce.length > 64)
    fail('BUNDLE_NONCE_INVALID', 'the nonce must be 16 to 64 bytes');
  return sha512(concatBytes(BINDING_LABEL, sha3_256(ed25519Spki), sha3_256(mldsaSpki), nonce));
}

export function qualifyingData(binding: Uint8Array): Uint8Array {
  return binding.slice(0, 32);
}

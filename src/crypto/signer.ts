/**
 * The audit signer (DESIGN.md, Contracts: Keys). A backend holds the private halves; callers only see
 * algorithms, public keys (SPKI DER) and sign(). Backends: file keys (loadFileSigner in src/crypto/key-files.ts)
 * and, with the hardware-roots issue, TPM-sealed seeds (drivers/tpm) that unseal into the same in-memory signer.
 */
export type SignatureAlgorithm = 'ed25519' | 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87';

export interface PublicKeyInfo {
  alg: SignatureAlgorithm;
  /** SubjectPublicKeyInfo DER (RFC 8410 for Ed25519, RFC 9881 for ML-DSA). */
  spki: Uint8Array;
  /** First 16 hex characters of SHA3-256(SPKI). */
  fingerprint: string;
}

export interface Signer {
  readonly publicKeys: { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo };
  /** Ed25519 signature (64 bytes) over msg. */
  signEd25519(msg: Uint8Array): Uint8Array;
  /** ML-DSA signature (pure, empty context; FIPS 204 Algorithm 2) over msg. */
  signMlDsa(msg: Uint8Array): Promise<Uint8Array>;
  /** Where the private keys live, for reports: "file", "tpm-sealed", … */
  readonly backend: string;
  close(): Promise<void>;
}

import { fail } from '#core/errors.js';
import type { TeeAttestationErrorCode } from '#core/error-codes.js';
import { certValidAt, signedBy, type Cert } from './x509.js';

/** Codes a caller's area uses for chain failures (typed: each is listed in docs/errors.md). */
export interface ChainCodes {
  invalid: TeeAttestationErrorCode; // linkage or signature
  untrusted: TeeAttestationErrorCode; // root not pinned / not self-signed
  expired: TeeAttestationErrorCode; // a certificate outside its validity at `at`
}

/**
 * Checks a chain ordered leaf → root (RFC 5280 §6.1, reduced to what vendor PKIs need: issuer/subject
 * linkage, signatures, validity at `at`, a self-signed root whose SHA-256 is pinned).
 */
export function verifyChain(
  chain: readonly Cert[],
  at: Date,
  rootSha256: readonly string[],
  codes: ChainCodes,
  what: string,
): void {
  if (chain.length < 2) fail(codes.invalid, `${what}: needs at least a leaf and a root`);
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i] as Cert;
    const issuer = chain[Math.min(i + 1, chain.length - 1)] as Cert;
    if (c.issuerKey !== issuer.subjectKey)
      fail(codes.invalid, `${what}: certificate ${i} is not issued by the next one`);
    if (!signedBy(c, issuer)) fail(codes.invalid, `${what}: signature of certificate ${i} does not verify`);
    if (!certValidAt(c, at)) {
      fail(codes.expired, `${what}: certificate ${i} (${c.subject}) is not valid at ${at.toISOString()}`, {
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
      });
    }
  }
  const root = chain[chain.length - 1] as Cert;
  if (!rootSha256.includes(root.sha256))
    fail(codes.untrusted, `${what}: root ${root.subject} is not a pinned trust anchor`);
}

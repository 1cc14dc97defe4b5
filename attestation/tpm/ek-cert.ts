import { X509Certificate } from 'node:crypto';
import { bytesEqual } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { publicKeyObject, type TpmtPublic } from './public.js';

/**
 * EK certificate checks (TCG EK Credential Profile for TPM Family 2.0): the certificate parses, certifies exactly
 * this EK public key, is within its validity period at `at`, and chains through `intermediates` to one of
 * `anchors` (the TPM vendor's root CAs, or swtpm-localca's for tests). Pure: certificates and time are inputs.
 */
export interface EkCertResult {
  subject: string;
  issuer: string;
  /** Subjects from the EK certificate up to the anchor. */
  chain: string[];
}

function parse(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    return fail('TPM_EK_CERT_INVALID', `${what} is not an X.509 certificate`);
  }
}

function spki(k: ReturnType<typeof publicKeyObject>): Uint8Array {
  return new Uint8Array(k.export({ type: 'spki', format: 'der' }));
}

function within(c: X509Certificate, at: Date): boolean {
  return new Date(c.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(c.validTo).getTime();
}

export function verifyEkCertificate(
  certDer: Uint8Array,
  ek: TpmtPublic,
  opts: { anchors: readonly Uint8Array[]; intermediates?: readonly Uint8Array[]; at: Date },
): EkCertResult {
  const cert = parse(certDer, 'the EK certificate');
  if (!bytesEqual(spki(cert.publicKey), spki(publicKeyObject(ek))))
    fail(
      'TPM_EK_CERT_KEY_MISMATCH',
      'the EK certificate certifies another key than this TPM endorsement key',
    );
  const anchors = opts.anchors.map((a, i) => parse(a, `trust anchor ${i}`));
  const pool = (opts.intermediates ?? []).map((a, i) => parse(a, `intermediate ${i}`));
  const chain = [cert.subject];
  let cur = cert;
  for (let depth = 0; depth < 8; depth++) {
    if (!within(cur, opts.at))
      fail('TPM_EK_CERT_UNTRUSTED', `certificate "${cur.subject}" is not valid at ${opts.at.toISOString()}`);
    const anchor = anchors.find((a) => cur.checkIssued(a) && cur.verify(a.publicKey));
    if (anchor !== undefined) {
      if (!within(anchor, opts.at))
        fail(
          'TPM_EK_CERT_UNTRUSTED',
          `trust anchor "${anchor.subject}" is not valid at ${opts.at.toISOString()}`,
        );
      chain.push(anchor.subject);
      return { subject: cert.subject, issuer: cert.issuer, chain };
    }
    const next = pool.find((p) => cur.checkIssued(p) && cur.verify(p.publicKey) && p.ca);
    if (next === undefined) break;
    chain.push(next.subject);
    cur = next;
  }
  return fail('TPM_EK_CERT_UNTRUSTED', 'the EK certificate does not chain to a trusted TPM vendor CA');
}

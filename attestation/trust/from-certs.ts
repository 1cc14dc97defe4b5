import { fail } from '#core/errors.js';
import { parseCert, parsePemChain, verifySigned, type Cert } from '../abi-common/x509.js';
import type { DcapTrustAnchors, SnpProduct, SnpTrustAnchors } from './anchors.js';

/**
 * Trust anchors from certificates an operator supplies (e.g. `--trust-anchors DIR`): each self-signed
 * certificate whose signature verifies becomes an accepted root. This is how a simulator's test CA is
 * accepted — only when its certificate is supplied.
 */
export function certsFromBlob(blob: Uint8Array, what: string): Cert[] {
  const text = Buffer.from(blob).toString('latin1');
  return text.includes('-----BEGIN CERTIFICATE-----') ? parsePemChain(text, what) : [parseCert(blob, what)];
}

function selfSigned(c: Cert): boolean {
  return c.subjectKey === c.issuerKey && verifySigned(c, c.publicKey);
}

export function dcapAnchorsFromCerts(certs: readonly Cert[]): DcapTrustAnchors {
  const roots = certs.filter(selfSigned).map((c) => c.sha256);
  if (roots.length === 0)
    fail('TRUST_ANCHORS_INVALID', 'no self-signed root certificate among the supplied trust anchors');
  return { rootSha256: roots };
}

const PRODUCTS: readonly SnpProduct[] = ['milan', 'genoa', 'turin'];

/** AMD anchors: every supplied cert is a chain candidate; self-signed ones are ARKs for the product in their CN. */
export function snpAnchorsFromCerts(certs: readonly Cert[]): SnpTrustAnchors {
  const roots: Record<SnpProduct, string[]> = { milan: [], genoa: [], turin: [] };
  for (const c of certs.filter(selfSigned)) {
    const named = PRODUCTS.filter((p) => c.subject.toLowerCase().includes(p));
    for (const p of named.length > 0 ? named : PRODUCTS) roots[p].push(c.sha256);
  }
  if (PRODUCTS.every((p) => roots[p].length === 0))
    fail('TRUST_ANCHORS_INVALID', 'no self-signed ARK among the supplied trust anchors');
  return { certs: certs.map((c) => c.der), rootSha256: roots };
}

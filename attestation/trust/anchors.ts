/**
 * Pinned vendor roots, by SHA-256 of the certificate DER (reference/tee-evidence-layouts.md §3.3 item 1
 * and §4.2). Only fingerprints are pinned here; the certificates themselves travel with the evidence
 * (Intel: the PCK chain in the quote and the collateral issuer chains) or are supplied by the caller
 * (AMD: ARK / ASK / ASVK, e.g. from https://kdsintf.amd.com/vcek/v1/{product}/cert_chain).
 *
 * Callers may pass other anchors (a simulator's test CA, say). Those are trusted only when supplied:
 * nothing in this module adds them by itself.
 */
export const INTEL_SGX_ROOT_CA_SHA256 = '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3';

export interface DcapTrustAnchors {
  /** SHA-256 (lower-case hex) of each accepted self-signed root certificate. */
  rootSha256: readonly string[];
}

export const INTEL_TRUST_ANCHORS: DcapTrustAnchors = { rootSha256: [INTEL_SGX_ROOT_CA_SHA256] };

export type SnpProduct = 'milan' | 'genoa' | 'turin';

/** AMD ARK, ASK and ASVK fingerprints for each product (#57230 chains; same bytes in trustee, go-sev-guest, virtee). */
export const AMD_PINNED_SHA256: Readonly<Record<SnpProduct, { ark: string; ask: string; asvk: string }>> = {
  milan: {
    ark: '69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd',
    ask: '67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b',
    asvk: 'c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5',
  },
  genoa: {
    ark: '4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1',
    ask: '5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521',
    asvk: '197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372',
  },
  turin: {
    ark: '1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a',
    ask: '5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185',
    asvk: '104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c',
  },
};

export interface SnpTrustAnchors {
  /** DER of candidate ARK / ASK / ASVK certificates (order does not matter). */
  certs: readonly Uint8Array[];
  /**
   * SHA-256 of the ARKs accepted as roots, per product. Defaults to AMD's pinned ARKs; a simulator passes
   * its own test ARK here, so that its evidence is accepted only when the caller asks for it.
   */
  rootSha256?: Readonly<Partial<Record<SnpProduct, readonly string[]>>>;
  /**
   * AMD KDS CRLs (DER, `…/vcek/v1/{product}/crl`), signed by the ARK. When one issued by the chain's ARK is
   * supplied it must verify and be current, and neither the ASK / ASVK nor the VEK may be listed.
   * Without one, revocation is not checked (the verdict says so only through this option's absence).
   */
  crls?: readonly Uint8Array[];
}

export function defaultAmdRoots(): Record<SnpProduct, string[]> {
  return {
    milan: [AMD_PINNED_SHA256.milan.ark],
    genoa: [AMD_PINNED_SHA256.genoa.ark],
    turin: [AMD_PINNED_SHA256.turin.ark],
  };
}

import type { SnpTcb } from '#attestation/sev-snp/index.js';
import { ia5String, integer } from './der-writer.js';
import {
  P384,
  RSA_PSS_4096,
  SIG_RSA_PSS_SHA384,
  generateKeyPair,
  makeCert,
  x509,
  type CryptoKey,
} from './pki.js';

/**
 * A TEST-ONLY stand-in for AMD's SEV-SNP key hierarchy, made at run time (AMD #57230; tee-evidence-layouts.md
 * §4.2): ARK (RSA-4096, self-signed) → ASK (RSA-4096) → VCEK (ECDSA P-384), every certificate signed with
 * RSASSA-PSS SHA-384 / MGF1-SHA-384 / salt 48, and the VCEK carrying the TCB and hwID extensions a verifier
 * compares with REPORTED_TCB and CHIP_ID. RSA-4096 key generation takes seconds, so one hierarchy per
 * process is shared (see sharedAmdRoots).
 */
const AMD_EXT = '1.3.6.1.4.1.3704.1';
const ORG = 'OU=Aegis TEST-ONLY simulator (not AMD), O=Aegis, L=Nowhere, C=ZZ';
const YEAR = 365 * 86_400_000;

export interface AmdRoots {
  product: string;
  ark: { cert: x509.X509Certificate; key: CryptoKey };
  ask: { cert: x509.X509Certificate; key: CryptoKey };
  /** ASVK (signs VLEKs), made only when a VLEK-signing simulator needs it. */
  asvk?: { cert: x509.X509Certificate; key: CryptoKey };
}

export interface VcekIssued {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export async function createAmdRoots(product: string, now: Date): Promise<AmdRoots> {
  const [arkKeys, askKeys] = await Promise.all([
    generateKeyPair(RSA_PSS_4096),
    generateKeyPair(RSA_PSS_4096),
  ]);
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + 25 * YEAR);
  const base = { notBefore, notAfter, ca: true, signingAlgorithm: SIG_RSA_PSS_SHA384 };
  const arkCert = await makeCert({
    ...base,
    serial: '01',
    subject: `CN=ARK-${product}, ${ORG}`,
    keys: arkKeys,
    pathLength: 1,
  });
  const ark = { cert: arkCert, key: arkKeys.privateKey };
  const askCert = await makeCert({
    ...base,
    serial: '02',
    subject: `CN=SEV-${product}, ${ORG}`,
    issuer: ark,
    keys: askKeys,
    pathLength: 0,
  });
  return { product, ark, ask: { cert: askCert, key: askKeys.privateKey } };
}

const rootsCache = new Map<string, Promise<AmdRoots>>();

/** One ARK/ASK pair per product and process: RSA-4096 generation dominates simulator start-up. */
export function sharedAmdRoots(product = 'Milan'): Promise<AmdRoots> {
  let p = rootsCache.get(product);
  if (p === undefined) {
    p = createAmdRoots(product, new Date());
    rootsCache.set(product, p);
  }
  return p;
}

/** ASVK: the ARK-signed CA of VLEKs, named SEV-VLEK-<product> like AMD's (the verifier tells VLEKs by it). */
export async function createAsvk(
  roots: AmdRoots,
  now: Date,
): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const keys = await generateKeyPair(RSA_PSS_4096);
  const cert = await makeCert({
    serial: '04',
    subject: `CN=SEV-VLEK-${roots.product}, ${ORG}`,
    issuer: roots.ark,
    keys,
    ca: true,
    pathLength: 0,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 25 * YEAR),
    signingAlgorithm: SIG_RSA_PSS_SHA384,
  });
  return { cert, key: keys.privateKey };
}

const asvkCache = new Map<AmdRoots, Promise<{ cert: x509.X509Certificate; key: CryptoKey }>>();

/** One ASVK per root pair and process (another RSA-4096 key). */
export function sharedAsvk(roots: AmdRoots): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  if (roots.asvk !== undefined) return Promise.resolve(roots.asvk);
  let p = asvkCache.get(roots);
  if (p === undefined) {
    p = createAsvk(roots, new Date());
    asvkCache.set(roots, p);
  }
  return p;
}

/** VCEK extensions: structVersion, productName, per-component SPLs (.3.x) and hwID = CHIP_ID (§4.2). */
export function vcekExtensions(productName: string, tcb: SnpTcb, chipId: Uint8Array): x509.Extension[] {
  const ext = (suffix: string, value: Uint8Array): x509.Extension =>
    new x509.Extension(`${AMD_EXT}.${suffix}`, false, value);
  return [
    ext('1', integer(0)), // structVersion 0, as in KDS-issued Milan VCEKs
    ext('2', ia5String(productName)),
    ext('3.1', integer(tcb.bootloader)),
    ext('3.2', integer(tcb.tee)),
    ext('3.3', integer(tcb.snp)),
    ext('3.4', integer(0)),
    ext('3.5', integer(0)),
    ext('3.6', integer(0)),
    ext('3.7', integer(0)),
    ext('3.8', integer(tcb.microcode)),
    // KDS-issued VCEKs carry the raw 64 bytes as extnValue (no OCTET STRING wrapper).
    ext('4', chipId),
  ];
}

/** VLEK extensions: as the VCEK's but with cspId (.5) instead of hwID, and productName without stepping (§4.2). */
export function vlekExtensions(productName: string, tcb: SnpTcb, cspId: string): x509.Extension[] {
  const ext = (suffix: string, value: Uint8Array): x509.Extension =>
    new x509.Extension(`${AMD_EXT}.${suffix}`, false, value);
  return [
    ...vcekExtensions(productName, tcb, new Uint8Array(0)).filter((e) => !e.type.endsWith('.4')),
    ext('5', ia5String(cspId)),
  ];
}

export async function issueVlek(
  roots: AmdRoots,
  asvk: { cert: x509.X509Certificate; key: CryptoKey },
  tcb: SnpTcb,
  cspId: string,
  now: Date,
): Promise<VcekIssued> {
  const keys = await generateKeyPair(P384);
  const cert = await makeCert({
    serial: '05',
    subject: `CN=SEV-VLEK, ${ORG}`,
    issuer: asvk,
    keys,
    ca: false,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + YEAR), // VLEKs are valid for one year (§4.2)
    signingAlgorithm: SIG_RSA_PSS_SHA384,
    extensions: vlekExtensions(roots.product, tcb, cspId),
  });
  return { cert, key: keys.privateKey };
}

export async function issueVcek(
  roots: AmdRoots,
  productName: string,
  tcb: SnpTcb,
  chipId: Uint8Array,
  now: Date,
): Promise<VcekIssued> {
  const keys = await generateKeyPair(P384);
  const cert = await makeCert({
    serial: '03',
    subject: `CN=SEV-VCEK, ${ORG}`,
    issuer: roots.ask,
    keys,
    ca: false,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 7 * YEAR),
    signingAlgorithm: SIG_RSA_PSS_SHA384,
    extensions: vcekExtensions(productName, tcb, chipId),
  });
  return { cert, key: keys.privateKey };
}

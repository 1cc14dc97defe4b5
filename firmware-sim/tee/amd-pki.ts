import type { SnpTcb } from '../../attestation/sev-snp/index.js';
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
}

export interface VcekIssued {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export async function createAmdRoots(product: string, now: Date): Promise<AmdRoots> {
  const [arkKeys, askKeys] = await Promise.all([generateKeyPair(RSA_PSS_4096), generateKeyPair(RSA_PSS_4096)]);
  const notBefore = new Date(now.getTime() - 86_400_000);
  const notAfter = new Date(now.getTime() + 25 * YEAR);
  const base = { notBefore, notAfter, ca: true, signingAlgorithm: SIG_RSA_PSS_SHA384 };
  const arkCert = await makeCert({ ...base, serial: '01', subject: `CN=ARK-${product}, ${ORG}`, keys: arkKeys, pathLength: 1 });
  const ark = { cert: arkCert, key: arkKeys.privateKey };
  const askCert = await makeCert({ ...base, serial: '02', subject: `CN=SEV-${product}, ${ORG}`, issuer: ark, keys: askKeys, pathLength: 0 });
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

/** VCEK extensions: structVersion, productName, per-component SPLs (.3.x) and hwID = CHIP_ID (§4.2). */
export function vcekExtensions(productName: string, tcb: SnpTcb, chipId: Uint8Array): x509.Extension[] {
  const ext = (suffix: string, value: Uint8Array): x509.Extension => new x509.Extension(`${AMD_EXT}.${suffix}`, false, value);
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

export async function issueVcek(roots: AmdRoots, productName: string, tcb: SnpTcb, chipId: Uint8Array, now: Date): Promise<VcekIssued> {
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

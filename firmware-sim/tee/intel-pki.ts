import { toHex } from '#core/encoding.js';
import { enumerated, integer, octetString, oid, sequence } from './der-writer.js';
import {
  P256,
  SIG_ECDSA_SHA256,
  der,
  generateKeyPair,
  makeCert,
  makeCrl,
  pem,
  x509,
  type CryptoKey,
  type KeyPair,
} from './pki.js';

/**
 * A TEST-ONLY stand-in for Intel's SGX/TDX provisioning PKI, made at run time: Root CA → PCK Platform CA →
 * PCK leaf (with the SGX extensions of the PCK Certificate Profile, tee-evidence-layouts.md §3.4), and
 * Root CA → TCB Signing (signs TCB Info and QE Identity), plus the Root CA CRL and the PCK CRL.
 * Names say "TEST-ONLY" so a human reading a certificate can never mistake it for Intel's.
 */
const SGX_EXT = '1.2.840.113741.1.13.1';
const ORG = 'O=Aegis TEST-ONLY simulator (not Intel), L=Nowhere, C=ZZ';
const DAY = 86_400_000;

export const INTEL_SIM_NAMES = {
  root: `CN=Aegis TEST-ONLY SGX Root CA, ${ORG}`,
  platformCa: `CN=Aegis TEST-ONLY SGX PCK Platform CA, ${ORG}`,
  pck: `CN=Aegis TEST-ONLY SGX PCK Certificate, ${ORG}`,
  tcbSigning: `CN=Aegis TEST-ONLY SGX TCB Signing, ${ORG}`,
} as const;

/** The platform TCB the simulated PCK certificate attests (values of the PCK SGX extensions). */
export interface PckTcb {
  /** SGX TCB Comp01..16 SVN. */
  compSvn: number[];
  pceSvn: number;
  /** 2 bytes, hex. */
  pceId: string;
  /** 6 bytes, hex (upper case as PCS writes it). */
  fmspc: string;
  ppid: Uint8Array;
}

/** DER of the SGX extensions value: SEQUENCE of (OID, value) pairs (PCK Certificate Profile). */
export function encodeSgxExtensions(t: PckTcb): Uint8Array {
  const pair = (suffix: string, value: Uint8Array): Uint8Array =>
    sequence(oid(`${SGX_EXT}.${suffix}`), value);
  const tcb = [
    ...t.compSvn.map((svn, i) => pair(`2.${i + 1}`, integer(svn))),
    pair('2.17', integer(t.pceSvn)),
    pair('2.18', octetString(Uint8Array.from(t.compSvn))),
  ];
  return sequence(
    pair('1', octetString(t.ppid)),
    pair('2', sequence(...tcb)),
    pair('3', octetString(Buffer.from(t.pceId, 'hex'))),
    pair('4', octetString(Buffer.from(t.fmspc, 'hex'))),
    pair('5', enumerated(0)), // SGX Type: Standard
  );
}

export interface Issued {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface IntelSimPki {
  root: Issued;
  platformCa: Issued;
  pck: Issued;
  tcbSigning: Issued;
  rootCrl: x509.X509Crl;
  pckCrl: x509.X509Crl;
  /** PEM chain carried in the quote: PCK leaf, Platform CA, Root (certification data type 5). */
  pckChainPem: string;
  tcbIssuerChainPem: string;
  pckCrlIssuerChainPem: string;
  rootDer: Uint8Array;
}

export interface IntelPkiOptions {
  now: Date;
  tcb: PckTcb;
  /** Serials (hex) the PCK CRL lists as revoked, for negative tests. */
  revokedPckSerials?: string[];
  /** Generate the PCK leaf with this serial (hex). */
  pckSerial?: string;
}

async function issued(keys: KeyPair, cert: Promise<x509.X509Certificate>): Promise<Issued> {
  return { cert: await cert, key: keys.privateKey };
}

/** The four keys and certificates of the simulated PKI; CRLs are re-issued from them on every start. */
export interface IntelSimIdentities {
  root: Issued;
  platformCa: Issued;
  pck: Issued;
  tcbSigning: Issued;
}

export async function createIntelSimIdentities(
  o: Omit<IntelPkiOptions, 'revokedPckSerials'>,
): Promise<IntelSimIdentities> {
  const [rk, pk, lk, tk] = await Promise.all([P256, P256, P256, P256].map((a) => generateKeyPair(a)));
  const [rootKeys, platKeys, leafKeys, tcbKeys] = [rk, pk, lk, tk] as [KeyPair, KeyPair, KeyPair, KeyPair];
  const from = new Date(o.now.getTime() - DAY);
  const base = { notBefore: from, signingAlgorithm: SIG_ECDSA_SHA256 };
  const root = await issued(
    rootKeys,
    makeCert({
      ...base,
      serial: '01',
      subject: INTEL_SIM_NAMES.root,
      keys: rootKeys,
      ca: true,
      notAfter: new Date(o.now.getTime() + 3650 * DAY),
    }),
  );
  const until = new Date(o.now.getTime() + 7 * 365 * DAY);
  const [platformCa, tcbSigning] = await Promise.all([
    issued(
      platKeys,
      makeCert({
        ...base,
        serial: '02',
        subject: INTEL_SIM_NAMES.platformCa,
        issuer: root,
        keys: platKeys,
        ca: true,
        pathLength: 0,
        notAfter: until,
      }),
    ),
    issued(
      tcbKeys,
      makeCert({
        ...base,
        serial: '03',
        subject: INTEL_SIM_NAMES.tcbSigning,
        issuer: root,
        keys: tcbKeys,
        ca: false,
        notAfter: until,
      }),
    ),
  ]);
  const pck = await issued(
    leafKeys,
    makeCert({
      ...base,
      serial: o.pckSerial ?? '0a',
      subject: INTEL_SIM_NAMES.pck,
      issuer: platformCa,
      keys: leafKeys,
      ca: false,
      notAfter: until,
      extensions: [new x509.Extension(SGX_EXT, false, encodeSgxExtensions(o.tcb))],
    }),
  );
  return { root, platformCa, pck, tcbSigning };
}

/** Completes the identities with fresh CRLs (valid from an hour before `now` for 30 days) and the PEM chains. */
export async function intelSimPki(
  ids: IntelSimIdentities,
  now: Date,
  revokedPckSerials: string[] = [],
): Promise<IntelSimPki> {
  const { root, platformCa, pck, tcbSigning } = ids;
  const crlFrom = new Date(now.getTime() - DAY / 24);
  const crlUntil = new Date(now.getTime() + 30 * DAY);
  const [rootCrl, pckCrl] = await Promise.all([
    makeCrl(root, crlFrom, crlUntil, [], SIG_ECDSA_SHA256),
    makeCrl(platformCa, crlFrom, crlUntil, revokedPckSerials, SIG_ECDSA_SHA256),
  ]);
  return {
    root,
    platformCa,
    pck,
    tcbSigning,
    rootCrl,
    pckCrl,
    pckChainPem: pem(pck.cert) + pem(platformCa.cert) + pem(root.cert),
    tcbIssuerChainPem: pem(tcbSigning.cert) + pem(root.cert),
    pckCrlIssuerChainPem: pem(platformCa.cert) + pem(root.cert),
    rootDer: der(root.cert),
  };
}

export async function createIntelSimPki(o: IntelPkiOptions): Promise<IntelSimPki> {
  return intelSimPki(await createIntelSimIdentities(o), o.now, o.revokedPckSerials);
}

export const crlHex = (crl: x509.X509Crl): string => toHex(der(crl));

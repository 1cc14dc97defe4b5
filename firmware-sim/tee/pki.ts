// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * Test-only certificate authority helpers for the simulators: keys via WebCrypto, certificates and CRLs via
 * @peculiar/x509, all made at run time so no private key ever lives in the repository.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const subtle = webcrypto.subtle;

type CryptoKey = webcrypto.CryptoKey;
type Algorithm = webcrypto.Algorithm;
export type { CryptoKey };

export type KeyPair = webcrypto.CryptoKeyPair;

export const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const P384 = { name: 'ECDSA', namedCurve: 'P-384' } as const;
/** AMD ARK/ASK: RSA-4096, RSASSA-PSS SHA-384 (tee-evidence-layouts.md §4.2). */
export const RSA_PSS_4096 = {
  name: 'RSA-PSS',
  hash: 'SHA-384',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 4096,
} as const;
/** Certificate signature algorithms: ECDSA-with-SHA256 (Intel), RSASSA-PSS SHA-384 salt 48 (AMD). */
export const SIG_ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const SIG_RSA_PSS_SHA384 = { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 } as const;

export async function generateKeyPair(
  alg: typeof P256 | typeof P384 | typeof RSA_PSS_4096,
): Promise<KeyPair> {
  return (await subtle.generateKey(alg, true, ['sign', 'verify'])) as KeyPair;
}

/** ECDSA signature as raw r‖s (IEEE P1363), the encoding DCAP quotes and PCS JSON use (§3.5). */
export async function signRaw(
  key: CryptoKey,
  hash: 'SHA-256' | 'SHA-384',
  data: Uint8Array,
): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign({ name: 'ECDSA', hash }, key, data));
}

/** Uncompressed EC point without the 0x04 prefix (x‖y), as DCAP carries the attestation key. */
export async function rawPublicXY(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('raw', key)).slice(1);
}

export interface CertSpec {
  serial: string;
  subject: string;
  /** Issuer certificate and key; omitted for a self-signed root. */
  issuer?: { cert: x509.X509Certificate; key: CryptoKey };
  keys: KeyPair;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  pathLength?: number;
  signingAlgorithm: Algorithm;
  extensions?: x509.Extension[];
}

export async function makeCert(spec: CertSpec): Promise<x509.X509Certificate> {
  const usage = spec.ca
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
    : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
  const extensions = [
    new x509.BasicConstraintsExtension(spec.ca, spec.pathLength, true),
    new x509.KeyUsagesExtension(usage, true),
    await x509.SubjectKeyIdentifierExtension.create(spec.keys.publicKey),
    ...(spec.extensions ?? []),
  ];
  const common = {
    serialNumber: spec.serial,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    signingAlgorithm: spec.signingAlgorithm,
  };
  if (spec.issuer === undefined) {
    return x509.X509CertificateGenerator.createSelfSigned({
      ...common,
      name: spec.subject,
      keys: spec.keys,
      extensions,
    });
  }
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(spec.issuer.cert));
  return x509.X509CertificateGenerator.create({
    ...common,
    subject: spec.subject,
    issuer: spec.issuer.cert.subject,
    publicKey: spec.keys.publicKey,
    signingKey: spec.issuer.key,
    extensions,
  });
}

export async function makeCrl(
  issuer: { cert: x509.X509Certificate; key: CryptoKey },
  thisUpdate: Date,
  nextUpdate: Date,
  revokedSerials: string[],
  signingAlgorithm: Algorithm,
): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject,
    thisUpdate,
    nextUpdate,
    signingKey: issuer.key,
    signingAlgorithm,
    entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
  });
}

export const der = (c: x509.X509Certificate | x509.X509Crl): Uint8Array => new Uint8Array(c.rawData);
export const pem = (c: x509.X509Certificate): string => `${c.toString('pem').trim()}\n`;

export { x509 };

/** A private key (PKCS#8) and its certificate (DER), base64, as the simulator state stores them. */
export interface KeyCertState {
  key_pkcs8_b64: string;
  cert_der_b64: string;
}

export async function exportKeyCert(i: {
  cert: x509.X509Certificate;
  key: CryptoKey;
}): Promise<KeyCertState> {
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', i.key));
  return {
    key_pkcs8_b64: Buffer.from(pkcs8).toString('base64'),
    cert_der_b64: Buffer.from(der(i.cert)).toString('base64'),
  };
}

/** Imports a private signing key of `alg` (P256, P384 or RSA_PSS_4096 parameters). */
export async function importSigningKey(
  pkcs8: Uint8Array,
  alg: typeof P256 | typeof P384 | typeof RSA_PSS_4096,
): Promise<CryptoKey> {
  const params = alg.name === 'RSA-PSS' ? { name: 'RSA-PSS', hash: alg.hash } : alg;
  return subtle.importKey('pkcs8', pkcs8, params, true, ['sign']);
}

export async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('pkcs8', key));
}

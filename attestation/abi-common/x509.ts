// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import { createPublicKey, constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { X509Certificate, X509Crl } from '@peculiar/x509';
import { fail, isAegisError } from '../../src/core/errors.js';
import { toHex } from '../../src/core/encoding.js';
import { sha256 } from '../../src/crypto/hash.js';
import { splitSigned } from './der.js';

/**
 * Certificates and CRLs: parsed with @peculiar/x509 (names, validity, extensions, CRL entries), signatures
 * checked with node:crypto over the TBS bytes taken from the DER (RFC 5280 §4.1.1.3, §5.1.1.3).
 */
export interface Cert {
  der: Uint8Array;
  x509: X509Certificate;
  tbs: Uint8Array;
  sigAlgOid: string;
  signature: Uint8Array;
  publicKey: KeyObject;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial number, lower-case hex without leading zeros, as CRL entries are compared. */
  serial: string;
  /** SHA-256 of the DER, lower-case hex (the form trust anchors are pinned in). */
  sha256: string;
}

export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlgOid: string;
  signature: Uint8Array;
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  revokedSerials: Set<string>;
}

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_ECDSA_SHA384 = '1.2.840.10045.4.3.3';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_RSA_SHA384 = '1.2.840.113549.1.1.12';

// Collateral and VEK certificates repeat from quote to quote; parsing them is most of the cost of a
// verification, so parsed forms are memoised by their exact bytes (bounded, immutable results).
const certCache = new Map<string, Cert>();
const crlCache = new Map<string, Crl>();
const CACHE_MAX = 256;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

export function normSerial(hex: string): string {
  const s = hex.toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}

export function parseCert(der: Uint8Array, what = 'certificate'): Cert {
  const key = Buffer.from(der).toString('base64');
  const hit = certCache.get(key);
  if (hit !== undefined) return hit;
  try {
    const parts = splitSigned(der);
    const x509 = new X509Certificate(der);
    const publicKey = createPublicKey({ key: Buffer.from(x509.publicKey.rawData), format: 'der', type: 'spki' });
    return remember(certCache, key, {
      der,
      x509,
      ...parts,
      publicKey,
      subject: x509.subject,
      issuer: x509.issuer,
      notBefore: x509.notBefore,
      notAfter: x509.notAfter,
      serial: normSerial(x509.serialNumber),
      sha256: toHex(sha256(der)),
    });
  } catch (e) {
    if (isAegisError(e)) throw e;
    return fail('X509_CERT_INVALID', `${what} cannot be parsed: ${(e as Error).message}`);
  }
}

export function parseCrl(der: Uint8Array, what = 'CRL'): Crl {
  const key = Buffer.from(der).toString('base64');
  const hit = crlCache.get(key);
  if (hit !== undefined) return hit;
  try {
    const parts = splitSigned(der);
    const crl = new X509Crl(der);
    return remember(crlCache, key, {
      der,
      ...parts,
      issuer: crl.issuer,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revokedSerials: new Set(crl.entries.map((e) => normSerial(e.serialNumber))),
    });
  } catch (e) {
    if (isAegisError(e)) throw e;
    return fail('X509_CRL_INVALID', `${what} cannot be parsed: ${(e as Error).message}`);
  }
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** All certificates of a PEM bundle, in order (a trailing NUL or text between blocks is ignored). */
export function parsePemChain(pem: string, what = 'certificate chain'): Cert[] {
  const out: Cert[] = [];
  for (const m of pem.matchAll(PEM_RE)) {
    const body = (m[1] ?? '').replace(/\s+/g, '');
    out.push(parseCert(new Uint8Array(Buffer.from(body, 'base64')), what));
  }
  if (out.length === 0) fail('X509_CERT_INVALID', `${what} holds no PEM certificate`);
  return out;
}

/** Verifies a DER-signed structure's signature with `key`; false on any mismatch, never throws for bad bytes. */
export function verifySigned(obj: { tbs: Uint8Array; sigAlgOid: string; signature: Uint8Array }, key: KeyObject): boolean {
  try {
    switch (obj.sigAlgOid) {
      case OID_ECDSA_SHA256:
        return cryptoVerify('sha256', obj.tbs, key, obj.signature);
      case OID_ECDSA_SHA384:
        return cryptoVerify('sha384', obj.tbs, key, obj.signature);
      case OID_RSA_SHA256:
        return cryptoVerify('sha256', obj.tbs, key, obj.signature);
      case OID_RSA_SHA384:
        return cryptoVerify('sha384', obj.tbs, key, obj.signature);
      case OID_RSA_PSS:
        // AMD #57230: ARK, ASK/ASVK and VEK use RSASSA-PSS, SHA-384, MGF1-SHA-384, salt length 48.
        return cryptoVerify(
          'sha384',
          obj.tbs,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
          obj.signature,
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** True when `at` lies inside the certificate's [notBefore, notAfter] (RFC 5280 §4.1.2.5, inclusive). */
export function certValidAt(c: Cert, at: Date): boolean {
  const t = at.getTime();
  return t >= c.notBefore.getTime() && t <= c.notAfter.getTime();
}

export function crlValidAt(c: Crl, at: Date): boolean {
  const t = at.getTime();
  return t >= c.thisUpdate.getTime() && (c.nextUpdate === undefined || t <= c.nextUpdate.getTime());
}

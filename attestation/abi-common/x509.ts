import { createPublicKey, constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { fail, isAegisError } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import { children, content, expectTag, oidToString, readTlv, splitSigned, TAG, type Tlv } from './der.js';

/**
 * Certificates (RFC 5280 §4.1) and CRLs (§5.1) reduced to the fields a vendor-PKI verifier needs, read
 * with the DER walker of der.ts; signatures checked with node:crypto over the TBS bytes.
 *
 * Why not @peculiar/x509 on this path: it costs 2–4 ms per certificate and ~15 ms for a 44-entry PCK CRL on
 * this machine (bench/attestation.ts, "cold"), i.e. 25–70 ms per quote against a 5 ms goal. It remains the
 * independent reference: tests/attestation/x509-reference.test.ts checks every field read here against it
 * for every certificate and CRL of the fixtures.
 */
export interface Cert {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlgOid: string;
  signature: Uint8Array;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  /** Readable names ("CN=…, O=…") for messages. */
  subject: string;
  issuer: string;
  /** Hex of the Name DER: issuer/subject linkage is compared on these (exact bytes, RFC 5280 §7.1). */
  subjectKey: string;
  issuerKey: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial number, lower-case hex without leading zeros, as CRL entries are compared. */
  serial: string;
  /** extnID → extnValue contents (the DER inside the OCTET STRING). */
  extensions: ReadonlyMap<string, Uint8Array>;
  /** SHA-256 of the DER, lower-case hex (the form trust anchors are pinned in). */
  sha256: string;
}

export interface Crl {
  der: Uint8Array;
  /** SHA-256 of the DER, lower-case hex. */
  sha256: string;
  tbs: Uint8Array;
  sigAlgOid: string;
  signature: Uint8Array;
  issuer: string;
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  revokedSerials: ReadonlySet<string>;
}

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_ECDSA_SHA384 = '1.2.840.10045.4.3.3';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_RSA_SHA384 = '1.2.840.113549.1.1.12';

// Collateral and VEK certificates repeat from quote to quote, so parsed forms are memoised by their exact
// bytes (bounded; results are immutable). bench/attestation.ts reports figures with and without the memo.
const certCache = new Map<string, Cert>();
const crlCache = new Map<string, Crl>();
const CACHE_MAX = 512;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

/** Forgets memoised certificates and CRLs (benchmarks use it to measure cold verification). */
export function clearX509Caches(): void {
  certCache.clear();
  crlCache.clear();
  sigCache.clear();
}

export function normSerial(hex: string): string {
  const s = hex.toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : s;
}

const NAME_ATTRS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** RFC 4514-like rendering of a Name, most specific first (messages only; never compared). */
function nameString(buf: Uint8Array, name: Tlv): string {
  const parts: string[] = [];
  for (const rdn of children(buf, name)) {
    for (const atv of children(buf, rdn)) {
      const [type, value] = children(buf, atv);
      if (type === undefined || value === undefined) continue;
      const oid = oidToString(content(buf, type));
      parts.push(`${NAME_ATTRS[oid] ?? oid}=${Buffer.from(content(buf, value)).toString('utf8')}`);
    }
  }
  return parts.reverse().join(', ');
}

/** UTCTime (YYMMDDHHMMSSZ, RFC 5280 §4.1.2.5.1) or GeneralizedTime (YYYYMMDDHHMMSSZ, §4.1.2.5.2). */
function derTime(buf: Uint8Array, t: Tlv, what: string): Date {
  const s = Buffer.from(content(buf, t)).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    year = Number(m[1]);
    year += year < 50 ? 2000 : 1900;
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    return fail('X509_DER_INVALID', `${what} is not a DER UTCTime or GeneralizedTime`);
  }
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(year, mo - 1, d, h, mi, se));
}

function serialHex(buf: Uint8Array, t: Tlv): string {
  return normSerial(toHex(content(buf, expectTag(t, TAG.INTEGER, 'serialNumber'))));
}

function parseCertDer(der: Uint8Array): Cert {
  const parts = splitSigned(der);
  const tbsTlv = readTlv(der, 0);
  const tbs = readTlv(der, tbsTlv.contentStart);
  const f = children(der, tbs);
  let i = f[0]?.tag === 0xa0 ? 1 : 0; // version [0] EXPLICIT, absent for v1
  const at = (what: string): Tlv => f[i++] ?? fail('X509_DER_INVALID', `certificate lacks ${what}`);
  const serial = serialHex(der, at('serialNumber'));
  at('signature');
  const issuer = expectTag(at('issuer'), TAG.SEQUENCE, 'issuer');
  const validity = children(der, expectTag(at('validity'), TAG.SEQUENCE, 'validity'));
  const subject = expectTag(at('subject'), TAG.SEQUENCE, 'subject');
  const spkiTlv = expectTag(at('subjectPublicKeyInfo'), TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const extensions = new Map<string, Uint8Array>();
  for (; i < f.length; i++) {
    const t = f[i] as Tlv;
    if (t.tag !== 0xa3) continue; // issuer/subject unique IDs [1]/[2] are not used by these PKIs
    const list = children(der, t)[0];
    if (list === undefined) fail('X509_DER_INVALID', 'empty extensions');
    for (const ext of children(der, expectTag(list, TAG.SEQUENCE, 'extensions'))) {
      const e = children(der, expectTag(ext, TAG.SEQUENCE, 'extension'));
      const id = e[0];
      const value = e[e.length - 1];
      if (id === undefined || value === undefined || e.length < 2)
        fail('X509_DER_INVALID', 'malformed extension');
      extensions.set(
        oidToString(content(der, expectTag(id, TAG.OID, 'extnID'))),
        content(der, expectTag(value, TAG.OCTET_STRING, 'extnValue')),
      );
    }
  }
  const [nb, na] = validity;
  if (nb === undefined || na === undefined) fail('X509_DER_INVALID', 'validity needs notBefore and notAfter');
  const spki = der.subarray(spkiTlv.start, spkiTlv.end);
  // Building a KeyObject costs ~0.4 ms; anchors that are only candidates never need theirs.
  let key: KeyObject | undefined;
  return {
    der,
    ...parts,
    get publicKey(): KeyObject {
      if (key === undefined) {
        try {
          key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
        } catch (e) {
          return fail('X509_CERT_INVALID', `certificate public key cannot be used: ${(e as Error).message}`);
        }
      }
      return key;
    },
    spki,
    subject: nameString(der, subject),
    issuer: nameString(der, issuer),
    subjectKey: toHex(der.subarray(subject.start, subject.end)),
    issuerKey: toHex(der.subarray(issuer.start, issuer.end)),
    notBefore: derTime(der, nb, 'notBefore'),
    notAfter: derTime(der, na, 'notAfter'),
    serial,
    extensions,
    sha256: toHex(sha256(der)),
  };
}

function parseCrlDer(der: Uint8Array): Crl {
  const parts = splitSigned(der);
  const tbs = readTlv(der, readTlv(der, 0).contentStart);
  const f = children(der, tbs);
  let i = f[0]?.tag === TAG.INTEGER ? 1 : 0; // version, present in v2 CRLs
  const at = (what: string): Tlv => f[i++] ?? fail('X509_DER_INVALID', `CRL lacks ${what}`);
  at('signature');
  const issuer = expectTag(at('issuer'), TAG.SEQUENCE, 'issuer');
  const thisUpdate = derTime(der, at('thisUpdate'), 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (f[i] !== undefined && ((f[i] as Tlv).tag === 0x17 || (f[i] as Tlv).tag === 0x18))
    nextUpdate = derTime(der, at('nextUpdate'), 'nextUpdate');
  const revoked = new Set<string>();
  if (f[i] !== undefined && (f[i] as Tlv).tag === TAG.SEQUENCE) {
    for (const entry of children(der, at('revokedCertificates'))) {
      const serial = children(der, expectTag(entry, TAG.SEQUENCE, 'revoked entry'))[0];
      if (serial === undefined) fail('X509_DER_INVALID', 'revoked entry without serial');
      revoked.add(serialHex(der, serial));
    }
  }
  return {
    der,
    ...parts,
    sha256: toHex(sha256(der)),
    issuer: nameString(der, issuer),
    issuerKey: toHex(der.subarray(issuer.start, issuer.end)),
    thisUpdate,
    nextUpdate,
    revokedSerials: revoked,
  };
}

export function parseCert(der: Uint8Array, what = 'certificate'): Cert {
  const key = Buffer.from(der).toString('base64');
  const hit = certCache.get(key);
  if (hit !== undefined) return hit;
  try {
    return remember(certCache, key, parseCertDer(der.slice()));
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
    return remember(crlCache, key, parseCrlDer(der.slice()));
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
export function verifySigned(
  obj: { tbs: Uint8Array; sigAlgOid: string; signature: Uint8Array },
  key: KeyObject,
): boolean {
  try {
    switch (obj.sigAlgOid) {
      case OID_ECDSA_SHA256:
      case OID_RSA_SHA256:
        return cryptoVerify('sha256', obj.tbs, key, obj.signature);
      case OID_ECDSA_SHA384:
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

// Signature results are pure functions of (signed bytes, issuer key): memoised by both digests, so a
// verifier that sees the same collateral again re-checks only what depends on time and on the quote.
const sigCache = new Map<string, boolean>();

/** `verifySigned(obj, issuer.publicKey)`, memoised by the SHA-256 of both objects. */
export function signedBy(obj: Cert | Crl, issuer: Cert): boolean {
  const k = `${obj.sha256}:${issuer.sha256}`;
  const hit = sigCache.get(k);
  if (hit !== undefined) return hit;
  return remember(sigCache, k, verifySigned(obj, issuer.publicKey));
}

/** Memoises any other pure signature check under a caller-built key of digests. */
export function memoSignature(key: string, check: () => boolean): boolean {
  const hit = sigCache.get(key);
  if (hit !== undefined) return hit;
  return remember(sigCache, key, check());
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

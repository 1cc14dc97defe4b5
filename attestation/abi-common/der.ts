import { fail } from '#core/errors.js';

/**
 * Minimal DER (ITU-T X.690 §8, §10) TLV walker for the few structures that @peculiar/x509 does not expose:
 * the TBS bytes of a certificate or CRL, and the Intel / AMD vendor extensions. Definite lengths only
 * (DER forbids indefinite ones); every overrun is X509_DER_INVALID, never a RangeError.
 */
export interface Tlv {
  /** Tag byte (low-tag-number form only: the structures read here never use high tag numbers). */
  tag: number;
  /** Offset of the tag byte in the buffer. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  IA5_STRING: 0x16,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads one TLV at `pos`, bounded by `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv {
  if (pos + 2 > limit) fail('X509_DER_INVALID', `DER element at ${pos} is truncated`);
  const tag = buf[pos] as number;
  if ((tag & 0x1f) === 0x1f) fail('X509_DER_INVALID', `DER high tag number at ${pos} is not supported`);
  let len = buf[pos + 1] as number;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) fail('X509_DER_INVALID', `DER length form at ${pos} is not definite or too large`);
    if (p + n > limit) fail('X509_DER_INVALID', `DER length at ${pos} is truncated`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
  }
  if (p + len > limit) fail('X509_DER_INVALID', `DER element at ${pos} overruns its container`);
  return { tag, start: pos, contentStart: p, end: p + len };
}

/** The child TLVs of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end;) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function content(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.contentStart, t.end);
}

export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag)
    fail('X509_DER_INVALID', `${what}: expected DER tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes (X.690 §8.19). */
export function oidToString(c: Uint8Array): string {
  if (c.length === 0) fail('X509_DER_INVALID', 'empty OID');
  const first = c[0] as number;
  const parts: number[] = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (let i = 1; i < c.length; i++) {
    const b = c[i] as number;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Non-negative INTEGER content as a JS number (X.690 §8.3; a leading 0x00 is allowed). */
export function intToNumber(c: Uint8Array, what: string): number {
  if (c.length === 0 || c.length > 7) fail('X509_DER_INVALID', `${what}: INTEGER of ${c.length} bytes`);
  if ((c[0] as number) & 0x80) fail('X509_DER_INVALID', `${what}: negative INTEGER`);
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Splits a Certificate or CertificateList (RFC 5280 §4.1, §5.1) into TBS bytes, algorithm OID and signature. */
export function splitSigned(der: Uint8Array): { tbs: Uint8Array; sigAlgOid: string; signature: Uint8Array } {
  const outer = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'signed object');
  if (outer.end !== der.length) fail('X509_DER_INVALID', 'trailing bytes after the signed object');
  const [tbs, alg, sig] = children(der, outer);
  if (tbs === undefined || alg === undefined || sig === undefined)
    fail('X509_DER_INVALID', 'signed object needs 3 fields');
  expectTag(tbs, TAG.SEQUENCE, 'tbs');
  const algOid = children(der, expectTag(alg, TAG.SEQUENCE, 'signatureAlgorithm'))[0];
  if (algOid === undefined) fail('X509_DER_INVALID', 'signatureAlgorithm without OID');
  const bits = content(der, expectTag(sig, TAG.BIT_STRING, 'signatureValue'));
  if (bits[0] !== 0) fail('X509_DER_INVALID', 'signature BIT STRING has unused bits');
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    sigAlgOid: oidToString(content(der, expectTag(algOid, TAG.OID, 'algorithm'))),
    signature: bits.subarray(1),
  };
}

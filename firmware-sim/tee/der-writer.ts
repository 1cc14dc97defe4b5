import { concatBytes, utf8 } from '#core/bytes.js';

/**
 * Minimal DER writer (X.690 §8, §10) for the vendor certificate extensions the simulators must emit:
 * Intel SGX PCK extensions (SEQUENCE of OID/value pairs) and AMD VCEK TCB extensions (INTEGER, IA5String).
 */
function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), length(content.length), content);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, concatBytes(...items));
export const octetString = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const boolean = (v: boolean): Uint8Array => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
export const ia5String = (s: string): Uint8Array => tlv(0x16, utf8.encode(s));

/** Non-negative INTEGER, minimal two's complement (a leading 0x00 when the top bit is set). */
function intContent(v: number): Uint8Array {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`DER integer ${v} out of range`);
  const bytes: number[] = [];
  for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  if (bytes.length === 0 || (bytes[0] as number) & 0x80) bytes.unshift(0);
  return Uint8Array.from(bytes);
}

export const integer = (v: number): Uint8Array => tlv(0x02, intContent(v));
export const enumerated = (v: number): Uint8Array => tlv(0x0a, intContent(v));

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

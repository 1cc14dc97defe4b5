import { fail } from './errors.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Strict hex decode (even length, hex digits only); `what` names the field in the error. */
export function fromHex(s: string, what = 'hex'): Uint8Array {
  const t = s.startsWith('0x') ? s.slice(2) : s;
  if (!HEX_RE.test(t)) fail('ENCODING_INVALID', `${what} is not valid hex`);
  return new Uint8Array(Buffer.from(t, 'hex'));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Strict standard base64 (RFC 4648 §4) with padding checked by a re-encode round trip. */
export function fromBase64(s: string, what = 'base64'): Uint8Array {
  if (s.length % 4 !== 0 || !B64_RE.test(s)) fail('ENCODING_INVALID', `${what} is not valid base64`);
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  if (toBase64(out) !== s) fail('ENCODING_INVALID', `${what} is not canonical base64`);
  return out;
}

export function toBase64Url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

export function fromBase64Url(s: string, what = 'base64url'): Uint8Array {
  if (!B64URL_RE.test(s)) fail('ENCODING_INVALID', `${what} is not valid base64url`);
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/**
 * Decodes a blob given as raw bytes, hex text or base64 text (the CLI accepts all three for quotes).
 * Text is tried as hex first, then base64; anything else is taken as binary.
 */
export function decodeBinaryOrText(raw: Uint8Array): Uint8Array {
  const text = Buffer.from(raw).toString('latin1').trim();
  if (text.length > 0 && /^[\x20-\x7e\s]+$/.test(text)) {
    const compact = text.replace(/\s+/g, '');
    if (compact.length % 2 === 0 && HEX_RE.test(compact.replace(/^0x/, ''))) return fromHex(compact);
    if (compact.length % 4 === 0 && B64_RE.test(compact))
      return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  return raw;
}

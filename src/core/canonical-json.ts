import canonicalizeImpl from 'canonicalize';
import { fail } from './errors.js';

/** JSON values as they appear in records and policies. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

const canonicalizeFn = canonicalizeImpl as unknown as (v: unknown) => string | undefined;

/**
 * RFC 8785 (JCS) canonical form: sorted keys by UTF-16 code units, ECMAScript number formatting, no
 * whitespace. Hashes and signatures are taken over these bytes (docs/formats.md).
 */
export function canonicalJson(value: unknown): string {
  const out = canonicalizeFn(value);
  if (out === undefined) fail('JSON_NOT_CANONICALIZABLE', 'value cannot be expressed as canonical JSON');
  return out;
}

/** Parses JSON text with a stable error code; `what` names the input for the message. */
export function parseJson(text: string, what = 'JSON input'): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    return fail('JSON_INVALID', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { createHash } from 'node:crypto';

/**
 * Hashes on the hot path use node:crypto (about 10x faster than pure JS on this machine:
 * ../shared/reference/pq-signatures-and-logs.md §1). Inputs are bytes or UTF-8 strings.
 */
type Input = Uint8Array | string;

function digest(alg: string, parts: Input[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export const sha3_256 = (...parts: Input[]): Uint8Array => digest('sha3-256', parts);
export const sha256 = (...parts: Input[]): Uint8Array => digest('sha256', parts);
export const sha384 = (...parts: Input[]): Uint8Array => digest('sha384', parts);
export const sha512 = (...parts: Input[]): Uint8Array => digest('sha512', parts);

export function sha3_256Hex(...parts: Input[]): string {
  return createHash('sha3-256')
    .update(parts.length === 1 ? (parts[0] as Input) : Buffer.concat(parts.map((p) => Buffer.from(p))))
    .digest('hex');
}

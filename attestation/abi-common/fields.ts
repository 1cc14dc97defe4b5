import { fail } from '#core/errors.js';
import type { TeeAttestationErrorCode } from '#core/error-codes.js';
import { isAllZero, type ByteReader } from '#core/bytes.js';

/**
 * Reads a reserved field and rejects it unless every byte is zero (the vendor specs mark these fields
 * "must be zero"; a verifier that ignored them would accept evidence the hardware never produces).
 * `code` is the caller's area code (DCAP_RESERVED_NONZERO, SNP_RESERVED_NONZERO).
 */
export function mbz(r: ByteReader, n: number, field: string, code: TeeAttestationErrorCode): void {
  const at = r.offset;
  const b = r.bytes(n, field);
  if (!isAllZero(b)) fail(code, `reserved field ${field} at offset ${at} is not zero`, { field, offset: at });
}

/** Copies a field so parsed structures never alias (and keep alive) the caller's input buffer. */
export function take(r: ByteReader, n: number, field: string): Uint8Array {
  return r.bytes(n, field).slice();
}

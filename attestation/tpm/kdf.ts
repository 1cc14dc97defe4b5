import { createHash, createHmac } from 'node:crypto';
import { ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { HASH_NAME } from './constants.js';

function hashName(alg: number): string {
  return (
    HASH_NAME[alg] ?? fail('TPM_ALG_UNSUPPORTED', `hash algorithm 0x${alg.toString(16)} is not supported`)
  );
}

const u32 = (v: number): Uint8Array => new ByteWriter().u32be(v).finish();

/** A KDF label is used with its terminating NUL octet (Part 1 §11.4.10.1). */
function label(l: string): Uint8Array {
  const b = new TextEncoder().encode(l);
  return b[b.length - 1] === 0 ? b : Uint8Array.from([...b, 0]);
}

/**
 * KDFa (TCG TPM 2.0 Part 1 §11.4.10.2, SP 800-108 counter mode with HMAC):
 *   K(i) = HMAC_hash(key, [i]32 ‖ Label ‖ 00 ‖ contextU ‖ contextV ‖ [bits]32)
 */
export function kdfa(
  hash: number,
  key: Uint8Array,
  lbl: string,
  contextU: Uint8Array,
  contextV: Uint8Array,
  bits: number,
): Uint8Array {
  const out: Buffer[] = [];
  const bytes = Math.ceil(bits / 8);
  for (let i = 1, n = 0; n < bytes; i++) {
    const k = createHmac(hashName(hash), key)
      .update(u32(i))
      .update(label(lbl))
      .update(contextU)
      .update(contextV)
      .update(u32(bits))
      .digest();
    out.push(k);
    n += k.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, bytes));
}

/**
 * KDFe (Part 1 §11.4.10.3, SP 800-56A concatenation KDF), used to turn an ECDH shared x-coordinate Z into a
 * salt or seed: K(i) = H([i]32 ‖ Z ‖ Use ‖ PartyUInfo ‖ PartyVInfo).
 */
export function kdfe(
  hash: number,
  z: Uint8Array,
  use: string,
  partyUInfo: Uint8Array,
  partyVInfo: Uint8Array,
  bits: number,
): Uint8Array {
  const out: Buffer[] = [];
  const bytes = Math.ceil(bits / 8);
  for (let i = 1, n = 0; n < bytes; i++) {
    const k = createHash(hashName(hash))
      .update(u32(i))
      .update(z)
      .update(label(use))
      .update(partyUInfo)
      .update(partyVInfo)
      .digest();
    out.push(k);
    n += k.length;
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, bytes));
}

import { createHash } from 'node:crypto';

/** SHA3-512 (FIPS 202) via node:crypto; src/crypto/hash.ts has no SHA3-512 export yet. */
export function sha3_512(data: Uint8Array): Uint8Array {
  const d = createHash('sha3-512').update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

import { toHex } from '../core/encoding.js';
import { sha3_256 } from './hash.js';

/** Key fingerprint: the first 16 hex characters of SHA3-256(SPKI DER) (DESIGN.md, Contracts: Keys). */
export function fingerprint(spki: Uint8Array): string {
  return toHex(sha3_256(spki)).slice(0, 16);
}

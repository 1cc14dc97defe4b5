import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  CompactRange,
  inclusionProof,
  leafHash,
  merkleRoot,
  verifyInclusion,
  EMPTY_ROOT,
} from '#audit/merkle.js';
import { toHex } from '#core/encoding.js';

describe('RFC 6962 Merkle tree', () => {
  it('has the RFC 6962 empty root SHA-256("")', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('compact range root equals the recursive MTH for every size up to 70', () => {
    const data = Array.from({ length: 70 }, () => new Uint8Array(randomBytes(32)));
    const range = new CompactRange();
    for (let n = 1; n <= 70; n++) {
      range.append(data[n - 1] as Uint8Array);
      expect(toHex(range.root())).toBe(toHex(merkleRoot(data.slice(0, n).map(leafHash))));
    }
  });

  it('every inclusion proof verifies and every corrupted one is rejected (sizes 1..40)', () => {
    const data = Array.from({ length: 40 }, () => new Uint8Array(randomBytes(32)));
    for (let size = 1; size <= 40; size++) {
      const leaves = data.slice(0, size).map(leafHash);
      const root = merkleRoot(leaves);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(leaves, i);
        expect(verifyInclusion(leaves[i] as Uint8Array, i, size, proof, root)).toBe(true);
        if (proof.length > 0) {
          const bad = proof.map((p) => p.slice());
          const first = bad[0] as Uint8Array;
          first[0] = (first[0] as number) ^ 1;
          expect(verifyInclusion(leaves[i] as Uint8Array, i, size, bad, root)).toBe(false);
          expect(verifyInclusion(leaves[i] as Uint8Array, i, size, proof.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leaves[i] as Uint8Array, i + size, size, proof, root)).toBe(false);
      }
    }
  });
});

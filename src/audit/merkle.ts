import { bytesEqual } from '../core/bytes.js';
import { sha256 } from '../crypto/hash.js';

/**
 * RFC 6962 §2.1 Merkle tree over SHA-256 (C2SP fixes the hash): leaf = H(0x00 ‖ d), node = H(0x01 ‖ l ‖ r).
 * Leaves here are records' this_hash values (32 bytes).
 */
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export const leafHash = (d: Uint8Array): Uint8Array => sha256(LEAF, d);
export const nodeHash = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(NODE, l, r);
export const EMPTY_ROOT = sha256(new Uint8Array(0));

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[lo:hi]) over precomputed leaf hashes. */
function subtreeRoot(leaves: Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[lo] as Uint8Array;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

export function merkleRoot(leafHashes: Uint8Array[]): Uint8Array {
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: sibling hashes from the leaf up to the root's child. */
export function inclusionProof(
  leafHashes: Uint8Array[],
  index: number,
  size = leafHashes.length,
): Uint8Array[] {
  const path: Uint8Array[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(subtreeRoot(leafHashes, lo + k, hi));
    } else {
      walk(m - k, lo + k, hi);
      path.push(subtreeRoot(leafHashes, lo, lo + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.3.2 inclusion verification. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * Incremental tree: keeps the roots of the perfect subtrees that make up the first n leaves (the "compact
 * range"), so each append is O(log n) and the root is available at any size without the leaves.
 */
export class CompactRange {
  private stack: { size: number; hash: Uint8Array }[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Appends a leaf's data (this_hash), hashing it as an RFC 6962 leaf. */
  append(data: Uint8Array): void {
    let node = { size: 1, hash: leafHash(data) };
    while (
      this.stack.length > 0 &&
      (this.stack[this.stack.length - 1] as { size: number }).size === node.size
    ) {
      const left = this.stack.pop() as { size: number; hash: Uint8Array };
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.n++;
  }

  root(): Uint8Array {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = (this.stack[this.stack.length - 1] as { hash: Uint8Array }).hash;
    for (let i = this.stack.length - 2; i >= 0; i--)
      r = nodeHash((this.stack[i] as { hash: Uint8Array }).hash, r);
    return r;
  }
}

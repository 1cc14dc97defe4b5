import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyInclusion,
} from '#audit/merkle.js';
import { bytesEqual } from '#core/bytes.js';
import { fromHex, toHex } from '#core/encoding.js';

/**
 * The reference vectors of the Certificate Transparency Merkle tree test suites (google/certificate-transparency
 * merkle_tree_test.cc; transparency-dev/merkle testonly/constants.go, testonly/reference_test.go and
 * proof/verify_test.go): eight leaves, every complete subtree hash, the root at every size, and the published
 * inclusion and consistency proofs. Checked against src/audit/merkle.ts (RFC 6962 §2.1 / RFC 9162 §2.1).
 */

const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => fromHex(h));

/** Complete subtree hashes by level (0 = leaf hashes) and index within the level. */
const NODES: string[][] = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** MTH of the first n leaves, n = 0..8. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** Inclusion proofs (0-based leaf index, tree size, audit path leaf to root). */
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 2, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7']],
  [1, 2, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

/** Consistency proofs (old size, new size, proof). */
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const SOME_HASH = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');
const leafHashes = LEAVES.map(leafHash);
const root = (n: number): Uint8Array => fromHex(ROOTS[n] as string);
const hashes = (p: string[]): Uint8Array[] => p.map((h) => fromHex(h));
const flipped = (p: Uint8Array[], i: number, bit: number): Uint8Array[] =>
  p.map((h, j) => (j === i ? h.map((b, k) => (k === 0 ? b ^ bit : b)) : h));

describe('RFC 6962 reference tree: hashes', () => {
  it('hashes each leaf as SHA-256(0x00 ‖ d) and each node as SHA-256(0x01 ‖ l ‖ r)', () => {
    expect(leafHashes.map(toHex)).toEqual(NODES[0]);
    for (let level = 1; level < NODES.length; level++) {
      const below = NODES[level - 1] as string[];
      (NODES[level] as string[]).forEach((h, i) => {
        expect(toHex(nodeHash(fromHex(below[2 * i] as string), fromHex(below[2 * i + 1] as string)))).toBe(h);
      });
    }
  });

  it('gives the reference root for every size 0..8, recursively and incrementally', () => {
    expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]);
    const range = new CompactRange();
    expect(toHex(range.root())).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) {
      expect(toHex(merkleRoot(leafHashes.slice(0, n))), `size ${n}`).toBe(ROOTS[n]);
      if (n > 0) {
        range.append(LEAVES[n - 1] as Uint8Array);
        expect(range.size).toBe(n);
        expect(toHex(range.root()), `compact size ${n}`).toBe(ROOTS[n]);
      }
    }
  });
});

describe('RFC 6962 reference tree: inclusion proofs', () => {
  for (const [index, size, path] of INCLUSION) {
    it(`leaf ${index} in a tree of ${size}: the published path, which verifies`, () => {
      expect(inclusionProof(leafHashes.slice(0, size), index).map(toHex)).toEqual(path);
      expect(inclusionProof(leafHashes, index, size).map(toHex)).toEqual(path);
      expect(verifyInclusion(leafHashes[index] as Uint8Array, index, size, hashes(path), root(size))).toBe(
        true,
      );
    });

    it(`leaf ${index} in a tree of ${size}: every corruption of the proof is rejected`, () => {
      const leaf = leafHashes[index] as Uint8Array;
      const proof = hashes(path);
      const r = root(size);
      const probes: [string, Uint8Array, number, number, Uint8Array[], Uint8Array][] = [
        ['index - 1', leaf, index - 1, size, proof, r],
        ['index + 1', leaf, index + 1, size, proof, r],
        ['index ^ 2', leaf, index ^ 2, size, proof, r],
        ['size * 2', leaf, index, size * 2, proof, r],
        ['size / 2', leaf, index, Math.floor(size / 2), proof, r],
        ['wrong leaf', leafHash(new TextEncoder().encode('WrongLeaf')), index, size, proof, r],
        ['empty root', leaf, index, size, proof, EMPTY_ROOT],
        ['random root', leaf, index, size, proof, SOME_HASH],
        ['trailing garbage', leaf, index, size, [...proof, new Uint8Array(0)], r],
        ['trailing root', leaf, index, size, [...proof, r], r],
        ['preceding garbage', leaf, index, size, [new Uint8Array(0), ...proof], r],
        ['preceding root', leaf, index, size, [r, ...proof], r],
        ...proof.map((_, i): [string, Uint8Array, number, number, Uint8Array[], Uint8Array] => [
          `proof[${i}] bit 3 flipped`,
          leaf,
          index,
          size,
          flipped(proof, i, 8),
          r,
        ]),
      ];
      if (proof.length > 0) probes.push(['removed component', leaf, index, size, proof.slice(0, -1), r]);
      if (proof.length > 1)
        probes.push([
          'inserted component',
          leaf,
          index,
          size,
          [proof[0] as Uint8Array, SOME_HASH, ...proof.slice(1)],
          r,
        ]);
      const accepted = probes
        .filter(([, l, i, n, p, rt]) => verifyInclusion(l, i, n, p, rt))
        .map(([name]) => name);
      expect(accepted).toEqual([]);
    });
  }

  it('rejects any proof for an empty tree or an index past the end', () => {
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(SOME_HASH, index, size, [], EMPTY_ROOT)).toBe(false);
      expect(verifyInclusion(SOME_HASH, index, size, [], SOME_HASH)).toBe(false);
    }
  });
});

/**
 * src/audit has no consistency-proof code yet (checkpoints are checked against the log itself, not against
 * an earlier checkpoint). Until it has, the published proofs are checked with the RFC 9162 §2.1.4.2 algorithm
 * below over the project's nodeHash and the project's roots, so the vectors are here for that code to adopt.
 */
function verifyConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (size1 < 0 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

describe('RFC 6962 reference tree: consistency proofs', () => {
  for (const [size1, size2, path] of CONSISTENCY) {
    it(`${size1} → ${size2}: the published proof links the project's two roots`, () => {
      const r1 = merkleRoot(leafHashes.slice(0, size1));
      const r2 = merkleRoot(leafHashes.slice(0, size2));
      expect([toHex(r1), toHex(r2)]).toEqual([ROOTS[size1], ROOTS[size2]]);
      expect(verifyConsistency(size1, size2, hashes(path), r1, r2)).toBe(true);
    });

    if (path.length === 0) continue;
    it(`${size1} → ${size2}: every corruption of the proof is rejected`, () => {
      const proof = hashes(path);
      const [r1, r2] = [root(size1), root(size2)];
      const wrong = new TextEncoder().encode('WrongRoot');
      const probes: [string, number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        ['size1 - 1', size1 - 1, size2, r1, r2, proof],
        ['size1 + 1', size1 + 1, size2, r1, r2, proof],
        ['size1 ^ 2', size1 ^ 2, size2, r1, r2, proof],
        ['size2 * 2', size1, size2 * 2, r1, r2, proof],
        ['size2 / 2', size1, Math.floor(size2 / 2), r1, r2, proof],
        ['wrong root1', size1, size2, wrong, r2, proof],
        ['wrong root2', size1, size2, r1, wrong, proof],
        ['swapped roots', size1, size2, r2, r1, proof],
        ['empty proof', size1, size2, r1, r2, []],
        ['trailing garbage', size1, size2, r1, r2, [...proof, new Uint8Array(0)]],
        ['trailing root1', size1, size2, r1, r2, [...proof, r1]],
        ['trailing root2', size1, size2, r1, r2, [...proof, r2]],
        ['preceding garbage', size1, size2, r1, r2, [new Uint8Array(0), ...proof]],
        ['preceding root1', size1, size2, r1, r2, [r1, ...proof]],
        ['preceding root2', size1, size2, r1, r2, [r2, ...proof]],
        ['preceding proof[0]', size1, size2, r1, r2, [proof[0] as Uint8Array, ...proof]],
        ['truncated proof', size1, size2, r1, r2, proof.slice(0, -1)],
        ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          `proof[${i}] bit 4 flipped`,
          size1,
          size2,
          r1,
          r2,
          flipped(proof, i, 16),
        ]),
      ];
      const accepted = probes
        .filter(([, s1, s2, a, b, p]) => verifyConsistency(s1, s2, p, a, b))
        .map(([name]) => name);
      expect(accepted).toEqual([]);
    });
  }
});

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { decodePkcs8Seed, decodeSpki, encodePkcs8Seed, fromPem, toPem } from './der.js';
import { ed25519FromSeed } from './ed25519.js';
import { fingerprint } from './fingerprint.js';
import { mlDsaFromSeed } from './mldsa.js';
import { signerFromSeeds } from './seed-signer.js';
import type { PublicKeyInfo, Signer } from './signer.js';

/**
 * File-key backend: PKCS#8 PEM private keys (ML-DSA as its 32-byte seed, RFC 9881) with mode 0600 and SPKI
 * PEM public keys, in a directory the caller chooses ($AEGIS_HOME/keys for the CLI).
 */
export const KEY_FILES = {
  ed25519: { key: 'audit-ed25519.key', pub: 'audit-ed25519.pub' },
  mldsa: { key: 'audit-ml-dsa-65.key', pub: 'audit-ml-dsa-65.pub' },
} as const;

export interface KeyFilePaths {
  ed25519Key: string;
  ed25519Pub: string;
  mldsaKey: string;
  mldsaPub: string;
}

export function keyFilePaths(dir: string): KeyFilePaths {
  return {
    ed25519Key: join(dir, KEY_FILES.ed25519.key),
    ed25519Pub: join(dir, KEY_FILES.ed25519.pub),
    mldsaKey: join(dir, KEY_FILES.mldsa.key),
    mldsaPub: join(dir, KEY_FILES.mldsa.pub),
  };
}

/** Writes a file atomically (temp + fsync + rename) with the given mode, never widening it afterwards. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function haveFileKeys(dir: string): boolean {
  const p = keyFilePaths(dir);
  return existsSync(p.ed25519Key) && existsSync(p.mldsaKey);
}

/** Writes new seed-format keys from the given seeds (fresh random ones by default). */
export function writeFileKeys(
  dir: string,
  opts: { force?: boolean; seeds?: { ed25519: Uint8Array; mldsa: Uint8Array } } = {},
): { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = keyFilePaths(dir);
  if (!opts.force && (existsSync(p.ed25519Key) || existsSync(p.mldsaKey))) {
    fail('KEY_EXISTS', `audit keys already exist in ${dir}; use --force to replace them`);
  }
  const edSeed = opts.seeds?.ed25519 ?? new Uint8Array(randomBytes(32));
  const pqSeed = opts.seeds?.mldsa ?? new Uint8Array(randomBytes(32));
  writeFileAtomic(p.ed25519Key, toPem('PRIVATE KEY', encodePkcs8Seed('ed25519', edSeed)), 0o600);
  writeFileAtomic(p.mldsaKey, toPem('PRIVATE KEY', encodePkcs8Seed('ml-dsa-65', pqSeed)), 0o600);
  const keys = publicKeysFromSeeds(edSeed, pqSeed);
  writePublicKeyFiles(dir, keys);
  return keys;
}

function readPrivate(path: string): Uint8Array {
  if (!existsSync(path)) fail('KEY_NOT_FOUND', `no audit key at ${path}; run 'aegis audit-key init'`);
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    fail(
      'KEY_FILE_PERMISSIONS',
      `${path} is readable by others (mode ${mode.toString(8)}); run 'chmod 600 ${path}'`,
    );
  }
  return decodePkcs8Seed(fromPem('PRIVATE KEY', readFileSync(path, 'utf8'))).seed;
}

/** Reads both seeds from the key files (used by `aegis keys migrate` to seal them in a TPM). */
export function readFileSeeds(dir: string): { ed25519: Uint8Array; mldsa: Uint8Array } {
  const p = keyFilePaths(dir);
  return { ed25519: readPrivate(p.ed25519Key), mldsa: readPrivate(p.mldsaKey) };
}

export function loadFileSigner(dir: string): Signer {
  const seeds = readFileSeeds(dir);
  return signerFromSeeds(seeds.ed25519, seeds.mldsa, 'file');
}

/** Public keys only (what an auditor or `audit-key show` needs); works without the private files. */
export function readPublicKeys(dir: string): { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo } {
  const p = keyFilePaths(dir);
  const read = (path: string): PublicKeyInfo => {
    if (!existsSync(path)) fail('KEY_NOT_FOUND', `no public key at ${path}; run 'aegis audit-key init'`);
    const spki = fromPem('PUBLIC KEY', readFileSync(path, 'utf8'));
    const { alg } = decodeSpki(spki);
    return { alg, spki, fingerprint: fingerprint(spki) };
  };
  return { ed25519: read(p.ed25519Pub), mldsa: read(p.mldsaPub) };
}

/** Public key files only (the private halves live elsewhere, e.g. sealed in a TPM). */
export function writePublicKeyFiles(
  dir: string,
  keys: { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo },
): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = keyFilePaths(dir);
  writeFileAtomic(p.ed25519Pub, toPem('PUBLIC KEY', keys.ed25519.spki), 0o644);
  writeFileAtomic(p.mldsaPub, toPem('PUBLIC KEY', keys.mldsa.spki), 0o644);
}

/** Overwrites a private key file with zeros, syncs, then unlinks it (best effort against casual recovery). */
export function wipeFile(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, new Uint8Array(size), 0, size, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
}

/** Public key infos derived from the two seeds (what a sealed backend publishes). */
export function publicKeysFromSeeds(
  ed25519Seed: Uint8Array,
  mldsaSeed: Uint8Array,
): { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo } {
  const ed = ed25519FromSeed(ed25519Seed);
  const pq = mlDsaFromSeed('ml-dsa-65', mldsaSeed);
  pq.secretKey.fill(0);
  return {
    ed25519: { alg: 'ed25519', spki: ed.spki, fingerprint: fingerprint(ed.spki) },
    mldsa: { alg: 'ml-dsa-65', spki: pq.spki, fingerprint: fingerprint(pq.spki) },
  };
}

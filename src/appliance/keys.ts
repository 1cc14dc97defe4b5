import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { bytesEqual, concatBytes } from '../core/bytes.js';
import { fail } from '../core/errors.js';
import {
  haveFileKeys,
  keyFilePaths,
  writeFileKeys,
  publicKeysFromSeeds,
  readFileSeeds,
  wipeFile,
  writeFileAtomic,
  writePublicKeyFiles,
} from '../crypto/key-files.js';
import type { PublicKeyInfo } from '../crypto/signer.js';
import { parsePcrSpec } from '#attestation/tpm/marshal.js';
import { sealSeeds, unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { sealedSeedsPath } from './audit-log.js';
import { readConfig } from './config.js';
import { openTpm } from './devices.js';
import { DEFAULT_PCRS } from './evidence.js';
import type { AegisHome } from './home.js';

/**
 * Key custody for a home: seeds sealed in the TPM (keys/audit-seeds.sealed + public keys only) when a TPM is
 * configured, otherwise PKCS#8 files (with a warning). `migrate` moves file keys into the TPM and wipes them.
 */
export type KeyBackend = 'tpm-sealed' | 'file';

export function keyBackend(home: AegisHome): KeyBackend | undefined {
  if (existsSync(sealedSeedsPath(home))) return 'tpm-sealed';
  return haveFileKeys(home.keys) ? 'file' : undefined;
}

/** Seals 64 bytes of seeds to the configured PCRs, then proves the blob unseals before anyone relies on it. */
async function sealAndCheck(home: AegisHome, tpmSpec: string, seeds: Uint8Array): Promise<void> {
  const tpm = await openTpm(tpmSpec);
  try {
    const { blob } = await sealSeeds(tpm, seeds, {
      pcrs: parsePcrSpec(readConfig(home).pcrs ?? DEFAULT_PCRS),
    });
    const back = await unsealSeeds(tpm, blob);
    if (!bytesEqual(back, seeds))
      fail('TPM_SEAL_CHECK_FAILED', 'the sealed keys did not unseal to the same seeds; nothing was changed');
    back.fill(0);
    writeFileAtomic(sealedSeedsPath(home), blob, 0o600);
  } finally {
    await tpm.close();
  }
}

/** New audit keys for `aegis init`: sealed when a TPM is configured, else files. */
export async function createKeys(
  home: AegisHome,
  tpmSpec: string | undefined,
): Promise<{ backend: KeyBackend; keys: { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo } }> {
  const ed = new Uint8Array(randomBytes(32));
  const pq = new Uint8Array(randomBytes(32));
  const keys = publicKeysFromSeeds(ed, pq);
  try {
    if (tpmSpec) {
      await sealAndCheck(home, tpmSpec, concatBytes(ed, pq));
      writePublicKeyFiles(home.keys, keys);
      return { backend: 'tpm-sealed', keys };
    }
    writeFileKeys(home.keys, { force: true, seeds: { ed25519: ed, mldsa: pq } });
    return { backend: 'file', keys };
  } finally {
    ed.fill(0);
    pq.fill(0);
  }
}

/**
 * `aegis keys migrate`: seals the file keys' seeds (from `fromDir`, default the home's keys) in the TPM and
 * wipes the home's private key files. With a backup directory the backup is left untouched (re-seal after a
 * PCR change).
 */
export async function migrateKeys(
  home: AegisHome,
  tpmSpec: string,
  fromDir?: string,
): Promise<{ keys: { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo }; wiped: string[] }> {
  const src = fromDir ?? home.keys;
  if (!haveFileKeys(src)) fail('KEY_NOT_FOUND', `no file keys to migrate in ${src}`);
  const seeds = readFileSeeds(src);
  try {
    const keys = publicKeysFromSeeds(seeds.ed25519, seeds.mldsa);
    await sealAndCheck(home, tpmSpec, concatBytes(seeds.ed25519, seeds.mldsa));
    writePublicKeyFiles(home.keys, keys);
    const wiped: string[] = [];
    if (fromDir === undefined) {
      const p = keyFilePaths(home.keys);
      for (const f of [p.ed25519Key, p.mldsaKey]) {
        wipeFile(f);
        wiped.push(f);
      }
    }
    return { keys, wiped };
  } finally {
    seeds.ed25519.fill(0);
    seeds.mldsa.fill(0);
  }
}

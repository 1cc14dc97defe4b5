import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { haveFileKeys, loadFileSigner, readPublicKeys } from '../crypto/key-files.js';
import { signerFromSeeds } from '../crypto/seed-signer.js';
import type { Signer } from '../crypto/signer.js';
import type { JsonObject } from '../core/canonical-json.js';
import { AuditLog, type PqMode } from '../audit/log.js';
import { unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { readConfig } from './config.js';
import { openTpm, requireTpm } from './devices.js';
import { ensureHome, type AegisHome } from './home.js';

/** The TPM sealed-data blob holding both audit seeds (drivers/tpm/sealed-blob.ts format). */
export const SEALED_SEEDS_FILE = 'audit-seeds.sealed';

export function sealedSeedsPath(home: AegisHome): string {
  return join(home.keys, SEALED_SEEDS_FILE);
}

/**
 * Loads the audit signer for this home: TPM-sealed seeds when keys/audit-seeds.sealed exists (unsealed
 * under the PCR policy; a changed PCR fails with TPM_RC_POLICY_FAIL and the recovery path), else the file
 * keys. Every composition root gets its signer here.
 */
export async function loadHomeSigner(home: AegisHome, env: NodeJS.ProcessEnv = process.env): Promise<Signer> {
  const sealed = sealedSeedsPath(home);
  if (existsSync(sealed)) {
    const tpm = await openTpm(requireTpm(home, env));
    let seeds: Uint8Array;
    try {
      seeds = await unsealSeeds(tpm, new Uint8Array(readFileSync(sealed)));
    } finally {
      await tpm.close();
    }
    try {
      return signerFromSeeds(seeds.slice(0, 32), seeds.slice(32, 64), 'tpm-sealed');
    } finally {
      seeds.fill(0);
    }
  }
  if (!haveFileKeys(home.keys))
    fail('KEY_NOT_FOUND', `no audit keys in ${home.keys}; run 'aegis audit-key init' (or 'aegis init')`);
  return loadFileSigner(home.keys);
}

/** The PQ mode: $AEGIS_PQ, else config.json audit.pq, else "checkpoint" (DESIGN.md, Contracts: Checkpoints). */
export function pqMode(home: AegisHome, env: NodeJS.ProcessEnv = process.env): PqMode {
  const v = env['AEGIS_PQ'] ?? readConfig(home).audit?.pq ?? 'checkpoint';
  if (v !== 'checkpoint' && v !== 'per-record')
    fail('CONFIG_INVALID', `audit pq mode must be "checkpoint" or "per-record", not "${v}"`);
  return v;
}

/** Opens the home's audit log as its single writer (creating it, with genesis, when new). */
export async function openHomeAuditLog(
  home: AegisHome,
  env: NodeJS.ProcessEnv = process.env,
  opts: { signer?: Signer; genesisData?: JsonObject } = {},
): Promise<AuditLog> {
  ensureHome(home, ['log']);
  const signer = opts.signer ?? (await loadHomeSigner(home, env));
  return AuditLog.open({
    dir: home.log,
    signer,
    pq: pqMode(home, env),
    ...(opts.genesisData ? { genesisData: opts.genesisData } : {}),
  });
}

/** The pinned public keys of this home, for verification (undefined when the home has none). */
export function homePublicKeys(home: AegisHome): { ed25519: Uint8Array; mldsa: Uint8Array } | undefined {
  try {
    const k = readPublicKeys(home.keys);
    return { ed25519: k.ed25519.spki, mldsa: k.mldsa.spki };
  } catch {
    return undefined;
  }
}

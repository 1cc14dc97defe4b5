import { fail } from '../core/errors.js';
import { haveFileKeys, loadFileSigner, readPublicKeys } from '../crypto/key-files.js';
import type { Signer } from '../crypto/signer.js';
import { AuditLog, type PqMode } from '../audit/log.js';
import { readConfig } from './config.js';
import { ensureHome, type AegisHome } from './home.js';

/**
 * Loads the audit signer for this home. File keys today; the TPM-sealed backend plugs in here (keys/*.sealed)
 * so that every composition root gets the same signer.
 */
export function loadHomeSigner(home: AegisHome): Signer {
  if (!haveFileKeys(home.keys)) fail('KEY_NOT_FOUND', `no audit keys in ${home.keys}; run 'aegis audit-key init' (or 'aegis init')`);
  return loadFileSigner(home.keys);
}

/** The PQ mode: $AEGIS_PQ, else config.json audit.pq, else "checkpoint" (DESIGN.md, Contracts: Checkpoints). */
export function pqMode(home: AegisHome, env: NodeJS.ProcessEnv = process.env): PqMode {
  const v = env['AEGIS_PQ'] ?? readConfig(home).audit?.pq ?? 'checkpoint';
  if (v !== 'checkpoint' && v !== 'per-record') fail('CONFIG_INVALID', `audit pq mode must be "checkpoint" or "per-record", not "${v}"`);
  return v;
}

/** Opens the home's audit log as its single writer (creating it, with genesis, when new). */
export async function openHomeAuditLog(home: AegisHome, env: NodeJS.ProcessEnv = process.env): Promise<AuditLog> {
  ensureHome(home, ['log']);
  const signer = loadHomeSigner(home);
  return AuditLog.open({ dir: home.log, signer, pq: pqMode(home, env) });
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

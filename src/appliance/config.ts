import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fail } from '../core/errors.js';
import type { AegisHome } from './home.js';

/** $AEGIS_HOME/config.json: operator settings. Unknown keys are kept for other verbs. */
export interface AegisConfig {
  audit?: { pq?: 'checkpoint' | 'per-record' };
  /** TPM location (swtpm:HOST:PORT, unix:PATH, /dev/tpmrm0) or "off". */
  tpm?: string;
  /** TEE evidence: auto (real when present, else simulated), sim, or off. */
  tee?: 'auto' | 'sim' | 'off';
  /** PCRs the audit keys are sealed to and quoted over, e.g. "sha256:0,2,7". */
  pcrs?: string;
  [k: string]: unknown;
}

export function readConfig(home: AegisHome): AegisConfig {
  if (!existsSync(home.config)) return {};
  try {
    const c = JSON.parse(readFileSync(home.config, 'utf8')) as unknown;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('not an object');
    return c as AegisConfig;
  } catch (e) {
    return fail('CONFIG_INVALID', `${home.config} is not a valid JSON object (${(e as Error).message})`);
  }
}

export function writeConfig(home: AegisHome, config: AegisConfig): void {
  writeFileSync(home.config, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

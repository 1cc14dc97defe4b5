import { existsSync, readFileSync } from 'node:fs';
import { fail } from '../core/errors.js';
import type { AegisHome } from './home.js';

/** $AEGIS_HOME/config.json: operator settings. Unknown keys are kept for other verbs. */
export interface AegisConfig {
  audit?: { pq?: 'checkpoint' | 'per-record' };
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

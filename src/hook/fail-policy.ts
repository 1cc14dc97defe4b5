import { readFileSync } from 'node:fs';
import { isJsonObject } from '../core/canonical-json.js';

/**
 * What the hook answers when no decision can be made: the daemon is down and cannot be started, the input
 * is unreadable, or the decision path failed internally. `deny` (default) blocks the call; `ask` hands it to
 * the user's own permission prompt. There is deliberately no fail-open mode: an internal error must never
 * become an allow (issue 6, "Fail policy"). Users who need to work without Aegis run `aegis install --rescue`.
 */
export type FailMode = 'deny' | 'ask';

export interface FailPolicy {
  mode: FailMode;
  /** Where the mode came from, for `aegis daemon status`. */
  source: 'default' | 'env' | 'config';
}

export const DEFAULT_FAIL_POLICY: FailPolicy = { mode: 'deny', source: 'default' };

function parseMode(v: unknown): FailMode | undefined {
  return v === 'deny' || v === 'ask' ? v : undefined;
}

/**
 * Reads `AEGIS_FAIL_POLICY` (deny|ask), else `hook.failPolicy` in $AEGIS_HOME/config.json, else deny. An
 * unreadable or unknown setting falls back to deny rather than failing the hook.
 */
export function loadFailPolicy(env: NodeJS.ProcessEnv, configPath: string): FailPolicy {
  const fromEnv = parseMode(env['AEGIS_FAIL_POLICY']);
  if (fromEnv !== undefined) return { mode: fromEnv, source: 'env' };
  try {
    const cfg: unknown = JSON.parse(readFileSync(configPath, 'utf8'));
    const hook = isJsonObject(cfg) ? cfg['hook'] : undefined;
    const mode = isJsonObject(hook) ? parseMode(hook['failPolicy']) : undefined;
    if (mode !== undefined) return { mode, source: 'config' };
  } catch {
    // No config, or unreadable config: the safe default applies.
  }
  return DEFAULT_FAIL_POLICY;
}

/** The recovery hint every fail-policy reason carries (issue 6: "the reason says how to recover"). */
export const RECOVERY_HINT =
  'check `aegis daemon status`, start it with `aegis daemon start`; to work without Aegis run `aegis install --rescue`';

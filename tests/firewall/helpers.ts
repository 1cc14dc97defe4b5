import { createFirewall, type Firewall } from '#firewall/firewall.js';
import { loadPolicies } from '#firewall/policy/load.js';
import type { Policies } from '#firewall/policy/types.js';

/** Policies are loaded once per test file (schema validation is the slow part). */
let cached: Policies | undefined;
export function policies(): Policies {
  cached ??= loadPolicies();
  return cached;
}

export const HOME = '/home/dev';
export const CWD = '/home/dev/proj';

export function firewall(extra: Parameters<typeof createFirewall>[0] = {}): Firewall {
  return createFirewall({ policies: policies(), home: HOME, ...extra });
}

export const bash = (
  command: string,
  cwd = CWD,
): { tool: string; input: { command: string }; cwd: string } => ({ tool: 'Bash', input: { command }, cwd });

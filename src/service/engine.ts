import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firewallDecider, type Decider } from '../appliance/decide.js';
import type { AegisHome } from '../appliance/home.js';
import { createFirewall } from '../firewall/firewall.js';
import { homeJudge } from '../appliance/judge.js';

/**
 * The shipped policies/firewall directory: the nearest ancestor of this module that has one, so the daemon
 * finds it both from source (src/service) and from a build (dist/src/service), where a fixed relative path
 * would point into dist/.
 */
export function shippedFirewallPolicies(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'policies', 'firewall');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The firewall engine the daemon holds for its whole life, so the stateful detectors (loop, breaker, budgets)
 * see every call; their state is also kept in $AEGIS_HOME/state/firewall across restarts.
 */
export async function createEngineDecider(home: AegisHome, env: NodeJS.ProcessEnv): Promise<Decider> {
  const budget = env['AEGIS_TOKEN_BUDGET'];
  const policiesDir = shippedFirewallPolicies();
  const judge = await homeJudge(home, env);
  return firewallDecider(
    createFirewall({
      ...(judge === undefined ? {} : { judge }),
      stateDir: join(home.state, 'firewall'),
      ...(policiesDir === undefined ? {} : { policiesDir }),
      ...(env['HOME'] === undefined ? {} : { home: env['HOME'] }),
      ...(budget === undefined || !/^\d+$/.test(budget) ? {} : { tokenBudget: Number(budget) }),
    }),
  );
}

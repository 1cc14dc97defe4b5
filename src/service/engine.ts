import { join } from 'node:path';
import { firewallDecider, type Decider } from '../appliance/decide.js';
import type { AegisHome } from '../appliance/home.js';
import { createFirewall } from '../firewall/firewall.js';

/**
 * The firewall engine the daemon holds for its whole life, so the stateful detectors (loop, breaker, budgets)
 * see every call; their state is also kept in $AEGIS_HOME/state/firewall across restarts.
 */
export function createEngineDecider(home: AegisHome, env: NodeJS.ProcessEnv): Decider {
  const budget = env['AEGIS_TOKEN_BUDGET'];
  return firewallDecider(
    createFirewall({
      stateDir: join(home.state, 'firewall'),
      ...(env['HOME'] === undefined ? {} : { home: env['HOME'] }),
      ...(budget === undefined || !/^\d+$/.test(budget) ? {} : { tokenBudget: Number(budget) }),
    }),
  );
}

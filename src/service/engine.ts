import { join } from 'node:path';
import { firewallDecider, type Decider } from '../appliance/decide.js';
import type { AegisHome } from '../appliance/home.js';
import { createFirewall } from '../firewall/firewall.js';
import { homeJudge } from '../appliance/judge.js';

/**
 * The firewall engine the daemon holds for its whole life, so the stateful detectors (loop, breaker, budgets)
 * see every call; their state is also kept in $AEGIS_HOME/state/firewall across restarts.
 */
export async function createEngineDecider(home: AegisHome, env: NodeJS.ProcessEnv): Promise<Decider> {
  const budget = env['AEGIS_TOKEN_BUDGET'];
  const judge = await homeJudge(home, env);
  return firewallDecider(
    createFirewall({
      ...(judge === undefined ? {} : { judge }),
      stateDir: join(home.state, 'firewall'),
      ...(env['HOME'] === undefined ? {} : { home: env['HOME'] }),
      ...(budget === undefined || !/^\d+$/.test(budget) ? {} : { tokenBudget: Number(budget) }),
    }),
  );
}

import type { AgentEvent, Decision } from '../core/decision.js';
import { fail } from '../core/errors.js';
import { noHardware, type HwSnapshotProvider } from '../device/hw-snapshot.js';
import { createFirewall, type Firewall } from '../firewall/firewall.js';
import type { Decider } from './decide.js';
import { ensureHome, type AegisHome } from './home.js';
import { openHwProvider } from './hw/open.js';
import { homeJudge } from './judge.js';

/**
 * The one factory that opens the firewall for a home (issue 10): `aegis evaluate`, the daemon, the demo and the
 * benches all get their engine here, so they share one state directory ($AEGIS_HOME/state: a loop counted by one
 * is seen by the other), one budget parser, one judge choice ($AEGIS_JUDGE or config.json `judge`), one hardware
 * provider and one policy directory.
 */

export interface EngineOptions {
  /** Firewall policy directory (default: the shipped policies/firewall). */
  policiesDir?: string;
  /** Hardware band source (default: $AEGIS_HW — auto: this host's real sources, sim, or off). */
  hardware?: HwSnapshotProvider;
}

export interface Engine extends Decider {
  readonly firewall: Firewall;
  /** What step 340 consults: "off", or the judge's name (engine and model). */
  readonly judge: string;
  readonly hardware: string;
}

export const ENGINE_NAME = 'aegis firewall';

/** $AEGIS_TOKEN_BUDGET: unset or empty = no budget; anything but a positive integer is refused, everywhere. */
export function parseTokenBudget(env: NodeJS.ProcessEnv): number | undefined {
  const v = env['AEGIS_TOKEN_BUDGET'];
  if (v === undefined || v === '') return undefined;
  if (!/^[1-9][0-9]{0,14}$/.test(v))
    fail('TOKEN_BUDGET_INVALID', `AEGIS_TOKEN_BUDGET must be a positive whole number of tokens, not "${v}"`);
  return Number(v);
}

export async function openEngine(
  home: AegisHome,
  env: NodeJS.ProcessEnv,
  opts: EngineOptions = {},
): Promise<Engine> {
  ensureHome(home, ['state']);
  const tokenBudget = parseTokenBudget(env);
  const judge = await homeJudge(home, env);
  const hw = opts.hardware === undefined ? openHwProvider(env, home) : undefined;
  await hw?.ready();
  const hardware = opts.hardware ?? hw ?? noHardware;
  const firewall = createFirewall({
    stateDir: home.state,
    hardware,
    ...(opts.policiesDir === undefined ? {} : { policiesDir: opts.policiesDir }),
    ...(judge === undefined ? {} : { judge }),
    ...(tokenBudget === undefined ? {} : { tokenBudget }),
    ...(env['HOME'] === undefined || env['HOME'] === '' ? {} : { home: env['HOME'] }),
  });
  return {
    name: ENGINE_NAME,
    firewall,
    judge: judge?.name ?? 'off',
    hardware: hardware.name,
    decide: (event: AgentEvent): Promise<Decision> => firewall.decide(event),
  };
}

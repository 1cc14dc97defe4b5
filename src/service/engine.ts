import { standInDecider, type Decider } from '../appliance/decide.js';
import type { AegisHome } from '../appliance/home.js';

/**
 * The firewall engine the daemon holds for its life. Until src/firewall exports its pipeline this returns
 * the stand-in (which never allows a tool call on its own); `aegis daemon status` shows which one runs.
 */
export async function createEngineDecider(_home: AegisHome, _env: NodeJS.ProcessEnv): Promise<Decider> {
  return standInDecider;
}

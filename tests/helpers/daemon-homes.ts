import { afterAll } from 'vitest';
import { tempHome } from '../service/helpers.js';
import { runCli } from './cli.js';

/**
 * Fresh $AEGIS_HOMEs for a test file, each with its own environment; after the file, any daemon a hook started in
 * one is stopped and the home removed.
 */
export function daemonHomes(): (
  tag: string,
  env?: Record<string, string>,
) => { root: string; env: Record<string, string> } {
  const homes: Array<{ env: Record<string, string>; cleanup: () => void }> = [];
  afterAll(async () => {
    for (const h of homes) {
      await runCli(['daemon', 'stop'], h.env);
      h.cleanup();
    }
  });
  return (tag, extra = {}) => {
    const t = tempHome(tag);
    const env = { ...t.env, ...extra };
    homes.push({ env, cleanup: t.cleanup });
    return { root: t.home.root, env };
  };
}

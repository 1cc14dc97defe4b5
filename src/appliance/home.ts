import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The $AEGIS_HOME layout (DESIGN.md, Contracts: Keys): keys/, log/, evidence/, state/.
 * Only composition roots decide paths; libraries receive them.
 */
export interface AegisHome {
  root: string;
  keys: string;
  log: string;
  evidence: string;
  state: string;
  config: string;
}

export function aegisHome(env: NodeJS.ProcessEnv = process.env): AegisHome {
  const root = resolve(env['AEGIS_HOME'] ?? join(homedir(), '.aegis'));
  return {
    root,
    keys: join(root, 'keys'),
    log: join(root, 'log'),
    evidence: join(root, 'evidence'),
    state: join(root, 'state'),
    config: join(root, 'config.json'),
  };
}

/** Creates the folders with owner-only permissions (keys and state are secrets or integrity-relevant). */
export function ensureHome(home: AegisHome, parts: Array<keyof Omit<AegisHome, 'config'>> = ['root']): void {
  for (const p of ['root' as const, ...parts]) mkdirSync(home[p], { recursive: true, mode: 0o700 });
}

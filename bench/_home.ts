// A fresh $AEGIS_HOME with audit keys and a hook shim, for benchmarks that run the hook as Claude Code does.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aegisHome, ensureHome } from '#appliance/home.js';
import { writeFileKeys } from '#crypto/key-files.js';
import { renderShim } from '#hook/shim.js';
import { daemonPaths, type DaemonPaths } from '#service/paths.js';
import { hookFallbackCommand } from '#service/self-command.js';

export interface BenchHome {
  root: string;
  env: Record<string, string>;
  shim: string;
  paths: DaemonPaths;
}

export function benchHome(extraEnv: Record<string, string> = {}): BenchHome {
  const root = mkdtempSync(join(tmpdir(), 'ae-bench-'));
  const env = { ...process.env, AEGIS_HOME: root, ...extraEnv } as Record<string, string>;
  const home = aegisHome(env);
  ensureHome(home, ['keys', 'state', 'log']);
  writeFileKeys(home.keys);
  const shim = join(root, 'aegis-hook');
  writeFileSync(shim, renderShim({ home: root, fallback: hookFallbackCommand(env) }));
  chmodSync(shim, 0o700);
  return { root, env, shim, paths: daemonPaths(home) };
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUpward } from '../core/find-up.js';

/** The installed package's root (works from src/ under tsx and from dist/). */
export function packageRoot(): string {
  const isOurs = (dir: string): boolean => {
    const pj = join(dir, 'package.json');
    return existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'aegis-t3';
  };
  return (
    findUpward(dirname(fileURLToPath(import.meta.url)), (dir) => (isOurs(dir) ? dir : undefined)) ??
    process.cwd()
  );
}

/** Shared fixtures: $AEGIS_FIXTURES, else ../shared/fixtures next to the package (the workspace layout). */
export function fixturesDir(env: NodeJS.ProcessEnv): string {
  return resolve(env['AEGIS_FIXTURES'] ?? join(packageRoot(), '..', 'shared', 'fixtures'));
}

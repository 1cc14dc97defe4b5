import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (works from src/ under tsx and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'aegis-t3') return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Shared fixtures: $AEGIS_FIXTURES, else ../shared/fixtures next to the package (the workspace layout). */
export function fixturesDir(env: NodeJS.ProcessEnv): string {
  return resolve(env['AEGIS_FIXTURES'] ?? join(packageRoot(), '..', 'shared', 'fixtures'));
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests/helpers/../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Shared fixtures, read in place: $AEGIS_FIXTURES or ../shared/fixtures (never copied into the repo). */
export const fixturesDir = resolve(process.env['AEGIS_FIXTURES'] ?? join(repoRoot, '..', 'shared', 'fixtures'));

/**
 * True when the fixture folder exists; otherwise prints a one-line notice once per suite, so
 * suites can `describe.skipIf(!haveFixtures('tee'))`.
 */
export function haveFixtures(sub: string): boolean {
  const ok = existsSync(join(fixturesDir, sub));
  if (!ok) console.warn(`[skip] fixtures ${join(fixturesDir, sub)} absent: suite skipped`);
  return ok;
}

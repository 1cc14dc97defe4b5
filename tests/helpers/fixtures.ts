import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';

/** Repository root (tests/helpers/../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Shared fixtures, read in place: $AEGIS_FIXTURES or ../shared/fixtures (never copied into the repo). */
export const fixturesDir = resolve(
  process.env['AEGIS_FIXTURES'] ?? join(repoRoot, '..', 'shared', 'fixtures'),
);

const noticed = new Set<string>();

/** Prints `[skip] <message>` on stderr, once per test file for each distinct message. */
export function skipNotice(message: string): void {
  if (!noticed.has(message)) {
    noticed.add(message);
    console.warn(`[skip] ${message}`);
  }
}

/**
 * True when the fixture folder exists; otherwise prints a one-line notice once per suite, so
 * suites can `describe.skipIf(!haveFixtures('tee'))`.
 */
export function haveFixtures(sub: string): boolean {
  const ok = existsSync(join(fixturesDir, sub));
  if (!ok) skipNotice(`fixtures ${join(fixturesDir, sub)} absent: suite skipped`);
  return ok;
}

/**
 * Marks the running test skipped (never a silent pass) when a fixture it needs is absent although its folder
 * is present: `if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx');`.
 */
export function skipMissingFixture(ctx: TestContext, what: string): never {
  skipNotice(`fixture ${what} absent under ${fixturesDir}: test skipped`);
  return ctx.skip(`fixture ${what} absent`);
}

/** True when `cmd` is on PATH; otherwise prints a one-line notice once per file, for `describe.skipIf(!haveCommand(…))`. */
export function haveCommand(cmd: string): boolean {
  const ok = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!ok) skipNotice(`${cmd} is not installed: the suites that need it are skipped`);
  return ok;
}

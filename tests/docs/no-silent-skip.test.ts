import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../helpers/files.js';
import { repoRoot } from '../helpers/fixtures.js';

/**
 * A test whose fixture or tool is absent must be reported as skipped (describe.skipIf / it.skipIf, or
 * `return skipMissingFixture(ctx, …)` from tests/helpers/fixtures.ts), never pass by returning early: a bare
 * return after a missing-fixture check turns "not run" into a green tick.
 */
const GUARD = String.raw`(?:===\s*undefined|!\s*(?:have\w*|existsSync)\()`;
/** `if (<guard>) return;` or `if (<guard>) { return; }` on one line. */
const ONE_LINE = new RegExp(String.raw`\bif\s*\((?=[^;]*${GUARD})[^;]*\)\s*\{?\s*return\s*;`);
/** `if (<guard>) {` whose next line is a bare `return;`. */
const OPENS = new RegExp(String.raw`\bif\s*\((?=.*${GUARD}).*\)\s*\{\s*$`);
const BARE = /^\s*return\s*;?\s*$/;

function silentReturns(text: string): number[] {
  const lines = text.split('\n');
  const hits: number[] = [];
  lines.forEach((line, i) => {
    if (ONE_LINE.test(line) || (OPENS.test(line) && BARE.test(lines[i + 1] ?? ''))) hits.push(i + 1);
  });
  return hits;
}

describe('no silent skips in tests/', () => {
  it('recognises the forms it forbids and lets the visible ones through', () => {
    const ret = 'return';
    expect(silentReturns(`    if (f === undefined) ${ret};`)).toEqual([1]);
    expect(silentReturns(`    if (a === undefined || b === undefined) { ${ret}; }`)).toEqual([1]);
    expect(silentReturns(`    if (!haveFixtures('tee')) {\n      ${ret};\n    }`)).toEqual([1]);
    expect(silentReturns(`    if (!existsSync(dir)) ${ret};`)).toEqual([1]);
    expect(silentReturns(`    if (f === undefined) ${ret} skipMissingFixture(ctx, 'tee/dcap/x');`)).toEqual(
      [],
    );
    expect(silentReturns(`    if (request !== CMD) ${ret} -1;`)).toEqual([]);
  });

  it('no test body returns silently after a missing-fixture or missing-tool check', () => {
    const found = filesUnder(join(repoRoot, 'tests'), '.test.ts').flatMap((f) =>
      silentReturns(readFileSync(f, 'utf8')).map((n) => `${relative(repoRoot, f)}:${n}`),
    );
    expect(found, 'use it.skipIf / describe.skipIf or `return skipMissingFixture(ctx, …)` instead').toEqual(
      [],
    );
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../helpers/files.js';
import { repoRoot } from '../helpers/fixtures.js';

/** Every stable error code raised in product code is documented in docs/errors.md (DESIGN.md, Contracts: Errors). */
describe('docs/errors.md', () => {
  it('lists every code passed to fail() or new AegisError()', () => {
    const doc = readFileSync(join(repoRoot, 'docs/errors.md'), 'utf8');
    const missing = new Set<string>();
    const re =
      /(?:fail|new AegisError|errorAt|AegisError)\(\s*(?:[a-zA-Z0-9_.]+,\s*)?'([A-Z][A-Z0-9_]{2,})'/g;
    for (const root of ['src', 'attestation', 'drivers', 'firmware-sim']) {
      for (const f of filesUnder(join(repoRoot, root), '.ts')) {
        for (const m of readFileSync(f, 'utf8').matchAll(re))
          if (!doc.includes('`' + m[1] + '`')) missing.add(`${m[1]} (${f.slice(repoRoot.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

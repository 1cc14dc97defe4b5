import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliReference } from '#cli/cli-doc.js';
import { repoRoot } from '../helpers/fixtures.js';

describe('docs/cli.md', () => {
  it('matches the CLI help texts (regenerate: node --import tsx src/cli/cli-doc.ts > docs/cli.md)', () => {
    expect(readFileSync(join(repoRoot, 'docs/cli.md'), 'utf8')).toBe(cliReference());
  });
});

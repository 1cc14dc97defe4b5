import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../helpers/files.js';
import { repoRoot } from '../helpers/fixtures.js';

/**
 * Imports that cross a top-level folder (src/core from attestation/, drivers/ from tests/, …) use the package's `#…`
 * aliases (package.json "imports"), not `../../src/core/…` chains: the layer is visible in the import and files can
 * move within their folder without breaking others.
 */
const TOPS = ['src', 'attestation', 'drivers', 'firmware-sim', 'fpga', 'tests', 'bench'];
const SPEC = /(?:from\s+|import\(\s*|vi\.mock\(\s*)(['"])(\.\.?\/[^'"]+)\1/g;

describe('import aliases', () => {
  it('no relative import leaves its top-level folder', () => {
    const bad: string[] = [];
    for (const top of TOPS) {
      for (const f of filesUnder(join(repoRoot, top), '.ts')) {
        const from = relative(repoRoot, f).split(sep);
        for (const m of readFileSync(f, 'utf8').matchAll(SPEC)) {
          const to = normalize(join(from.slice(0, -1).join(sep), m[2] as string)).split(sep);
          if (to[0] !== from[0]) bad.push(`${from.join('/')}: ${m[2] as string}`);
        }
      }
    }
    expect(bad, 'use the #… alias from package.json "imports"').toEqual([]);
  });

  it('package.json maps every src/ layer and top-level code folder, and the build maps them to compiled files', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      imports: Record<string, string>;
      scripts: Record<string, string>;
    };
    const layers = readdirSync(join(repoRoot, 'src')).filter((n) =>
      statSync(join(repoRoot, 'src', n)).isDirectory(),
    );
    for (const l of layers) expect(pkg.imports[`#${l}/*.js`]).toBe(`./src/${l}/*.ts`);
    for (const t of ['attestation', 'drivers', 'firmware-sim', 'fpga', 'tests'])
      expect(pkg.imports[`#${t}/*.js`]).toBe(`./${t}/*.ts`);
    expect(pkg.scripts['build']).toContain('scripts/dist-package.js');
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel } from '#judge/judgenet/model.js';
import { labelRule } from '#judge/train/label-rule.js';
import { Prng } from '#judge/train/prng.js';
import { syntheticAtv } from '#judge/train/synthetic-atv.js';
import { repoRoot } from '../helpers/fixtures.js';

describe('training data and trainer', () => {
  it('generates the same labelled vectors for the same seed, with all three classes', () => {
    const gen = (seed: number): { x: Float32Array; y: number }[] => {
      const rng = new Prng(seed);
      return Array.from({ length: 300 }, () => {
        const x = syntheticAtv(rng);
        return { x, y: labelRule(x) };
      });
    };
    const a = gen(7);
    expect(gen(7)).toEqual(a);
    expect(gen(8)).not.toEqual(a);
    const counts = [0, 1, 2].map((c) => a.filter((r) => r.y === c).length);
    expect(Math.min(...counts)).toBeGreaterThan(20);
  });

  it('the training script is deterministic: same seed, same model file byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-train-'));
    try {
      const run = (out: string): Record<string, unknown> => {
        const r = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            join(repoRoot, 'src', 'judge', 'train', 'main.ts'),
            '--hidden',
            '2',
            '--n',
            '240',
            '--epochs',
            '1',
            '--out',
            out,
          ],
          { cwd: repoRoot, encoding: 'utf8' },
        );
        expect(r.status).toBe(0);
        return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
      };
      const a = run(join(dir, 'a.ajn'));
      const b = run(join(dir, 'b.ajn'));
      expect(readFileSync(join(dir, 'a.ajn'))).toEqual(readFileSync(join(dir, 'b.ajn')));
      expect(a['model_hash']).toBe(b['model_hash']);
      expect(parseModel(new Uint8Array(readFileSync(join(dir, 'a.ajn')))).hidden).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyScore, isDefaultPreToolUse, rowToCall, scoreRow, type CorpusRow } from '#firewall/corpus.js';
import { fixturesDir, haveFixtures } from '../helpers/fixtures.js';
import { firewall } from './helpers.js';

// Acceptance thresholds of issue 5 on the peer corpora (detection rates, not timings).
describe.skipIf(!haveFixtures('firewall'))('peer corpora (default-mode PreToolUse rows)', () => {
  it('catches >= 97 % of block/ask rows, blocks <= 2 % and asks for <= 5 % of allow rows', async () => {
    const fw = firewall({ home: '/home/user' });
    const dir = join(fixturesDir, 'firewall');
    const total = emptyScore();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const row = JSON.parse(line) as CorpusRow;
        if (!isDefaultPreToolUse(row)) continue;
        const call = rowToCall(row);
        call.cwd ??= '/home/user/project';
        scoreRow(total, row.expected, (await fw.evaluate(call)).decision);
      }
    }
    expect(total.harmful).toBeGreaterThan(400);
    expect(total.caught / total.harmful).toBeGreaterThanOrEqual(0.97);
    expect(total.blocked / total.benign).toBeLessThanOrEqual(0.02);
    expect(total.asked / total.benign).toBeLessThanOrEqual(0.05);
  }, 60_000);
});

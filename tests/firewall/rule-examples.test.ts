import { describe, expect, it } from 'vitest';
import type { Example } from '#firewall/policy/types.js';
import { CWD, firewall, policies } from './helpers.js';

// Every rule's own positive and negative examples (issue 5: "all run as tests").
const fw = firewall();
const toCall = (e: Example) =>
  typeof e === 'string'
    ? { tool: 'Bash', input: { command: e }, cwd: CWD }
    : { tool: e.tool, input: e.input, cwd: e.cwd ?? CWD };

describe('rule pack examples', () => {
  for (const pack of policies().packs) {
    describe(pack.pack, () => {
      for (const rule of pack.rules) {
        it(`${rule.id}: positives match`, () => {
          for (const e of rule.examples.positive) {
            const ids = fw.rules.evaluate(fw.normalise(toCall(e))).map((h) => h.rule.id);
            expect(ids, JSON.stringify(e)).toContain(rule.id);
          }
        });
        it(`${rule.id}: negatives do not match`, () => {
          for (const e of rule.examples.negative) {
            const ids = fw.rules.evaluate(fw.normalise(toCall(e))).map((h) => h.rule.id);
            expect(ids, JSON.stringify(e)).not.toContain(rule.id);
          }
        });
      }
    });
  }

  it('has every required category', () => {
    const cats = new Set(policies().packs.flatMap((p) => p.rules.map((r) => r.category)));
    for (const c of [
      'filesystem-destruction',
      'vcs-destruction',
      'cloud-infra-destruction',
      'sql-destruction',
      'sandbox-escape-privilege',
      'credential-access',
      'exfiltration',
      'remote-code',
      'prompt-injection',
      'persistence',
    ]) {
      expect(cats, c).toContain(c);
    }
  });
});

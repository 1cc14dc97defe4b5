import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRulesDoc, rulesDocPath } from '#firewall/rules-doc.js';
import { policies } from './helpers.js';

describe('docs/rules.md', () => {
  it('is up to date with policies/firewall (regenerate: node --import tsx src/firewall/rules-doc.ts)', () => {
    expect(readFileSync(rulesDocPath(), 'utf8')).toBe(renderRulesDoc(policies()));
  });
  it('lists every rule id with its rationale', () => {
    const doc = renderRulesDoc(policies());
    for (const p of policies().packs) for (const r of p.rules) expect(doc).toContain(`\`${r.id}\``);
  });
});

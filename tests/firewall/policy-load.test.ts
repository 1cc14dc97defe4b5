import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAegisError } from '#core/errors.js';
import { defaultPoliciesDir, loadPolicies } from '#firewall/policy/load.js';

function copy(): string {
  const d = join(mkdtempSync(join(tmpdir(), 'aegis-pol-')), 'firewall');
  cpSync(defaultPoliciesDir(), d, { recursive: true });
  return d;
}
function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isAegisError(e) ? e.code : 'not-aegis';
  }
  return undefined;
}

describe('policy loading', () => {
  it('loads the shipped policies', () => {
    expect(loadPolicies().packs.length).toBeGreaterThan(5);
  });
  it('POLICY_NOT_FOUND for a missing directory or file', () => {
    expect(code(() => loadPolicies('/nonexistent/aegis'))).toBe('POLICY_NOT_FOUND');
    const d = copy();
    rmSync(join(d, 'settings.json'));
    expect(code(() => loadPolicies(d))).toBe('POLICY_NOT_FOUND');
  });
  it('POLICY_INVALID for bad JSON, schema violations and duplicate ids', () => {
    const d = copy();
    writeFileSync(join(d, 'rules', 'vcs.json'), '{ not json');
    expect(code(() => loadPolicies(d))).toBe('POLICY_INVALID');
    const e = copy();
    const pack = JSON.parse(readFileSync(join(e, 'rules', 'vcs.json'), 'utf8')) as {
      rules: Array<Record<string, unknown>>;
    };
    (pack.rules[0] as Record<string, unknown>)['decision'] = 'MAYBE';
    writeFileSync(join(e, 'rules', 'vcs.json'), JSON.stringify(pack));
    expect(code(() => loadPolicies(e))).toBe('POLICY_INVALID');
    const f = copy();
    writeFileSync(join(f, 'rules', 'zz-dup.json'), readFileSync(join(f, 'rules', 'vcs.json')));
    expect(code(() => loadPolicies(f))).toBe('POLICY_INVALID');
  });
});

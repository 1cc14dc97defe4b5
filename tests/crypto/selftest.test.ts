import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runAcvp } from '#crypto/acvp.js';
import { runBuiltinKats } from '#crypto/kat.js';
import { fixturesDir, haveFixtures } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

const acvp = (set: string, f: string) =>
  JSON.parse(gunzipSync(readFileSync(join(fixturesDir, 'acvp/ml-dsa', set, f))).toString()) as never;

describe('known-answer tests', () => {
  it('built-in KATs (FIPS 202, RFC 8032, ACVP keyGen digests) all pass', () => {
    const r = runBuiltinKats();
    expect(r.length).toBeGreaterThanOrEqual(7);
    expect(r.filter((k) => !k.ok)).toEqual([]);
  });

  describe.skipIf(!haveFixtures('acvp/ml-dsa'))('NIST ACVP ML-DSA', () => {
    it('keyGen, sigGen (pure and internal) and sigVer subsets pass', () => {
      for (const set of ['ML-DSA-keyGen-FIPS204', 'ML-DSA-sigGen-FIPS204', 'ML-DSA-sigVer-FIPS204']) {
        const s = runAcvp(acvp(set, 'prompt.json.gz'), acvp(set, 'expectedResults.json.gz'), { perGroup: 2 });
        expect(s.failed, `${set}: ${JSON.stringify(s.failures)}`).toBe(0);
        expect(s.passed).toBeGreaterThan(0);
      }
    });

    it('a wrong expected value is reported as a failure (the runner can fail)', () => {
      const expected = acvp('ML-DSA-sigVer-FIPS204', 'expectedResults.json.gz') as {
        testGroups: Array<{ tests: Array<{ testPassed: boolean }> }>;
      };
      const t = expected.testGroups[0]?.tests[0] as { testPassed: boolean };
      t.testPassed = !t.testPassed;
      const s = runAcvp(acvp('ML-DSA-sigVer-FIPS204', 'prompt.json.gz'), expected as never, { perGroup: 2 });
      expect(s.failed).toBe(1);
    });

    it('aegis selftest exits 0 and reports the ACVP counts as JSON', async () => {
      const r = await runCli(['selftest', '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { ok: boolean; acvp: Array<{ failed: number }> };
      expect(out.ok).toBe(true);
      expect(out.acvp).toHaveLength(3);
    });
  });

  it('without fixtures, selftest runs the built-in KATs and says so', async () => {
    const r = await runCli(['selftest'], { AEGIS_FIXTURES: '/nonexistent' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('built-in KATs only');
  });
});

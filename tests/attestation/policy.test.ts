import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { haveFixtures, repoRoot, skipMissingFixture } from '../helpers/fixtures.js';
import type { JsonValue } from '#core/canonical-json.js';
import { verifyDcapQuote } from '#attestation/dcap/index.js';
import { verifySnpReport } from '#attestation/sev-snp/index.js';
import { CHECKS, dcapReport, parsePolicy, snpReport } from '#attestation/validate/index.js';
import { amdAnchors, dcapFixtures, snpFixtures } from './tee-fixtures.js';

const policyDir = join(repoRoot, 'policies', 'attestation');
const readJson = (p: string): JsonValue => JSON.parse(readFileSync(p, 'utf8')) as JsonValue;

describe('appraisal policy files', () => {
  const schema = readJson(join(policyDir, 'appraisal-policy.schema.json')) as Record<string, unknown>;
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

  for (const f of readdirSync(policyDir).filter((n) => n.endsWith('.json') && !n.includes('schema'))) {
    it(`${f} matches the schema and parses`, () => {
      const v = readJson(join(policyDir, f));
      expect(validate(v), JSON.stringify(validate.errors)).toBe(true);
      expect(parsePolicy(v).expected.size).toBeGreaterThan(0);
    });
  }

  it('schema and parser agree on the check names', () => {
    const props = schema['properties'] as Record<
      string,
      { properties?: Record<string, { properties?: object }> }
    >;
    const names: string[] = [];
    for (const [k, v] of Object.entries(props)) {
      if (['$schema', 'version', 'description'].includes(k)) continue;
      if (v.properties === undefined) names.push(k);
      else
        for (const [k2, v2] of Object.entries(v.properties)) {
          if (v2.properties === undefined) names.push(`${k}.${k2}`);
          else for (const k3 of Object.keys(v2.properties)) names.push(`${k}.${k2}.${k3}`);
        }
    }
    expect(names.sort()).toEqual(CHECKS.map((c) => c.name).sort());
  });

  it('rejects unknown checks, wrong types and wrong sizes with POLICY_INVALID', () => {
    for (const bad of [
      { tdx: { mrtd: '00' } },
      { sgx: { mr_enclave: 'zz' } },
      { sgx: { mr_enclave: '00'.repeat(31) } },
      { debug_forbidden: 'yes' },
      { accepted_tcb_statuses: [] },
      { sev_snp: { min_tcb: { snp: -1 } } },
      { version: 2 },
      [],
    ]) {
      expect(() => parsePolicy(bad as JsonValue), JSON.stringify(bad)).toThrowError(
        expect.objectContaining({ code: 'POLICY_INVALID' }),
      );
    }
  });
});

describe.skipIf(!haveFixtures('tee'))('appraisal of real evidence', () => {
  it('a TDX policy built from the quote passes; a changed MRTD fails; unnamed checks are not_checked', (ctx) => {
    const f = dcapFixtures().find((x) => x.name === 'dcap-qvl_tdx');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx');
    const v = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
    const m = dcapReport(v, undefined).measurements;
    const rtmrs = m['rtmrs'] as string[];
    const good = parsePolicy({
      tee: 'tdx',
      debug_forbidden: true,
      accepted_tcb_statuses: ['UpToDate'],
      report_data: dcapReport(v, undefined).report_data as string,
      tdx: {
        mr_td: m['mr_td'] as string,
        rtmr0: rtmrs[0] as string,
        xfam: m['xfam'] as string,
        td_attributes: m['td_attributes'] as string,
      },
    });
    const ok = dcapReport(v, good);
    expect(ok.ok).toBe(true);
    expect(ok.policy.failed).toEqual([]);
    expect(ok.policy.checked).toEqual([
      'tee',
      'report_data',
      'debug_forbidden',
      'accepted_tcb_statuses',
      'tdx.mr_td',
      'tdx.rtmr0',
      'tdx.td_attributes',
      'tdx.xfam',
    ]);
    expect(ok.policy.not_checked).toContain('tdx.rtmr3');
    expect(ok.policy.not_checked).not.toContain('sgx.mr_enclave');
    expect(ok.policy.not_checked).not.toContain('sev_snp.measurement');

    const bad = dcapReport(
      v,
      parsePolicy({ tdx: { mr_td: 'ff'.repeat(48) }, accepted_tcb_statuses: ['SWHardeningNeeded'] }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.policy.failed).toEqual(['accepted_tcb_statuses', 'tdx.mr_td']);
    expect(bad.errors.filter((e) => e.code === 'POLICY_VIOLATION')).toHaveLength(2);
  });

  it('an SGX policy fails closed on TDX evidence; OutOfDate is rejected by the baseline policy', (ctx) => {
    const fs = dcapFixtures();
    const tdx = fs.find((x) => x.name === 'dcap-rs_tdx');
    if (tdx === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-rs_tdx');
    const v = verifyDcapQuote(tdx.quote, tdx.collateral, { at: tdx.at });
    expect(v.tcbStatus).toBe('OutOfDate');
    const r = dcapReport(v, parsePolicy({ sgx: { mr_enclave: '00'.repeat(32) } }));
    expect(r.policy.failed).toEqual(['sgx.mr_enclave']);
    const baseline = parsePolicy(readJson(join(policyDir, 'tcb-baseline.json')));
    const b = dcapReport(v, baseline);
    expect(b.ok).toBe(false);
    expect(b.policy.failed).toEqual(['accepted_tcb_statuses']);
  });

  it('SGX: MRENCLAVE, MRSIGNER, ISV SVN minimum', (ctx) => {
    const f = dcapFixtures().find((x) => x.name === 'dcap-qvl_sgx');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_sgx');
    const v = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
    const m = dcapReport(v, undefined).measurements;
    const svn = m['isv_svn'] as number;
    const pass = dcapReport(
      v,
      parsePolicy({
        sgx: { mr_enclave: m['mr_enclave'] as string, mr_signer: m['mr_signer'] as string, min_isv_svn: svn },
      }),
    );
    expect(pass.ok).toBe(true);
    const fail = dcapReport(v, parsePolicy({ sgx: { min_isv_svn: svn + 1 } }));
    expect(fail.policy.failed).toEqual(['sgx.min_isv_svn']);
  });

  it('SEV-SNP: measurement, VMPL, minimum TCB, guest policy bits', (ctx) => {
    const f = snpFixtures().find((x) => x.name === 'trustee-vlek-v3');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/snp/trustee-vlek-v3');
    const v = verifySnpReport(f.report, f.vek, { at: f.at, trustAnchors: amdAnchors() });
    const m = snpReport(v, undefined).measurements;
    const pass = snpReport(
      v,
      parsePolicy({
        tee: 'sev-snp',
        debug_forbidden: true,
        sev_snp: {
          measurement: m['measurement'] as string,
          vmpl: 1,
          min_tcb: { bootloader: 4, snp: 24, microcode: 217 },
          guest_policy: { debug: false, smt: true },
        },
      }),
    );
    expect(pass.errors).toEqual([]);
    expect(pass.ok).toBe(true);
    expect(pass.policy.not_checked).toContain('sev_snp.host_data');
    // Milan has no FMC in its TCB_VERSION: not listed as not_checked, and failed if a policy names it.
    expect(pass.policy.not_checked).not.toContain('sev_snp.min_tcb.fmc');
    expect(snpReport(v, parsePolicy({ sev_snp: { min_tcb: { fmc: 0 } } })).policy.failed).toEqual([
      'sev_snp.min_tcb.fmc',
    ]);
    const fail = snpReport(
      v,
      parsePolicy({ sev_snp: { vmpl: 0, min_tcb: { microcode: 218 }, guest_policy: { migrate_ma: true } } }),
    );
    expect(fail.policy.failed).toEqual([
      'sev_snp.vmpl',
      'sev_snp.min_tcb.microcode',
      'sev_snp.guest_policy.migrate_ma',
    ]);
  });
});

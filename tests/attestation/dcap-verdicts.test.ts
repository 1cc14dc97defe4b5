import { describe, expect, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { verifyDcapQuote } from '#attestation/dcap/index.js';
import { dcapFixtures } from './tee-fixtures.js';

const WINDOW_CODES = [
  'DCAP_CERT_EXPIRED',
  'DCAP_CRL_EXPIRED',
  'DCAP_TCB_INFO_EXPIRED',
  'DCAP_QE_IDENTITY_EXPIRED',
];

describe.skipIf(!haveFixtures('tee/dcap'))(
  'DCAP verdicts on real quotes (expected.json at verify_at)',
  () => {
    for (const f of haveFixtures('tee/dcap') ? dcapFixtures() : []) {
      describe(f.name, () => {
        it('gives the expected verdict at verify_at', () => {
          const v = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
          expect(v.tee).toBe(f.expected.tee);
          expect(v.version).toBe(f.expected.quote_version);
          const e = f.expected.expected;
          if (e.accepted) {
            expect(v.errors).toEqual([]);
            expect(v.ok).toBe(true);
            expect(v.tcbStatus).toBe(e.tcb_status);
            expect(v.advisoryIds).toEqual(e.advisory_ids);
          } else {
            expect(v.ok).toBe(false);
            // Every rejected fixture is "no matching TCB level" (Intel QVL: TCB not supported).
            expect(e.reason).toBe('no matching TCB level');
            expect(v.errors.map((x) => x.code)).toContain('DCAP_TCB_NO_MATCH');
          }
        });

        const [start, end] = f.expected.valid_window_utc.map((s) => new Date(s)) as [Date, Date];
        it('holds the same verdict at both edges of the validity window', () => {
          for (const at of [start, end]) {
            const v = verifyDcapQuote(f.quote, f.collateral, { at });
            expect(v.ok).toBe(f.expected.expected.accepted);
            expect(v.errors.filter((x) => WINDOW_CODES.includes(x.code))).toEqual([]);
          }
        });

        it('is rejected one second outside the validity window, with a validity code', () => {
          for (const at of [new Date(start.getTime() - 1000), new Date(end.getTime() + 1000)]) {
            const v = verifyDcapQuote(f.quote, f.collateral, { at });
            expect(v.ok).toBe(false);
            expect(v.errors.some((x) => WINDOW_CODES.includes(x.code))).toBe(true);
          }
        });

        it('rejects the quote when the Intel root is not a trust anchor', () => {
          const v = verifyDcapQuote(f.quote, f.collateral, {
            at: f.at,
            trustAnchors: { rootSha256: ['00'.repeat(32)] },
          });
          expect(v.ok).toBe(false);
          expect(v.errors.map((x) => x.code)).toContain('DCAP_ROOT_UNTRUSTED');
        });
      });
    }

    it('reports the non-zero trailing bytes of the go-tdx-guest sample as well as its TCB verdict', (ctx) => {
      const f = dcapFixtures().find((x) => x.name === 'go-tdx-guest_v4');
      if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/go-tdx-guest_v4');
      const v = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
      expect(v.errors.map((x) => x.code)).toEqual(['DCAP_TRAILING_DATA', 'DCAP_TCB_NO_MATCH']);
    });

    it('gives component statuses as Intel QVL reports them', (ctx) => {
      const byName = new Map(dcapFixtures().map((f) => [f.name, f]));
      const f = byName.get('automata-forge0625_tdx');
      if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/automata-forge0625_tdx');
      const v = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
      expect(v.components).toEqual({ platform: 'OutOfDate', qe: 'UpToDate', tdxModule: 'UpToDate' });
      expect(v.fmspc).toMatch(/^[0-9a-f]{12}$/);
    });

    it('rejects a collateral mix-up: SGX collateral for a TDX quote', (ctx) => {
      const fs = dcapFixtures();
      const tdx = fs.find((x) => x.name === 'dcap-qvl_tdx');
      const sgx = fs.find((x) => x.name === 'dcap-qvl_sgx');
      if (tdx === undefined || sgx === undefined)
        return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_{tdx,sgx}');
      const v = verifyDcapQuote(tdx.quote, sgx.collateral, { at: sgx.at });
      expect(v.ok).toBe(false);
      const codes = v.errors.map((x) => x.code);
      expect(codes).toContain('DCAP_TCB_INFO_MISMATCH');
      expect(codes).toContain('DCAP_QE_IDENTITY_MISMATCH');
    });
  },
);

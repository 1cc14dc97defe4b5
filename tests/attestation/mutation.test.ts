import { describe, expect, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { isAegisError } from '#core/errors.js';
import {
  parseDcapCollateral,
  parseDcapQuote,
  verifyDcapQuote,
  type DcapCollateral,
} from '#attestation/dcap/index.js';
import { parseSnpReport, SNP_SIGNED_SIZE, verifySnpReport } from '#attestation/sev-snp/index.js';
import { amdAnchors, dcapFixtures, snpFixtures, type DcapFixture } from './tee-fixtures.js';

/**
 * Single-byte mutations of every signed region must be rejected with a signature code; bytes that the
 * parser itself constrains (version, key type, TEE type, body descriptor, must-be-zero fields) may be
 * rejected earlier with their structural code. Truncations give parse codes and never an exception.
 * Every byte of every fixture (signature results of the unchanged collateral are memoised, so each
 * mutated quote costs about one quote-signature check).
 */
const DCAP_SIG = [
  'DCAP_QUOTE_SIGNATURE_INVALID',
  'DCAP_QE_REPORT_SIGNATURE_INVALID',
  'DCAP_QE_REPORT_DATA_MISMATCH',
];
// Codes of structural fields; any other parse failure (e.g. a v5 quote whose version byte now says 4,
// so the body no longer fits) also counts as a parse-level rejection.
const DCAP_STRUCT = [
  'DCAP_QUOTE_VERSION_UNSUPPORTED',
  'DCAP_ATT_KEY_TYPE_UNSUPPORTED',
  'DCAP_TEE_TYPE_UNSUPPORTED',
  'DCAP_BODY_TYPE_UNSUPPORTED',
  'DCAP_RESERVED_NONZERO',
];

function regions(f: DcapFixture): { name: string; start: number; end: number }[] {
  const q = parseDcapQuote(f.quote);
  const signed = q.signedRegion.length;
  const sig = signed + 4; // after signature_data_len
  const qe = q.header.version === 3 ? sig + 128 : sig + 134;
  return [
    { name: 'header+body', start: 0, end: signed },
    { name: 'quote signature', start: sig, end: sig + 64 },
    { name: 'attestation key', start: sig + 64, end: sig + 128 },
    { name: 'QE report', start: qe, end: qe + 384 },
    { name: 'QE report signature', start: qe + 384, end: qe + 448 },
    { name: 'QE auth data', start: qe + 450, end: qe + 450 + q.qe.qeAuthData.length },
  ];
}

function verifyMutated(quote: Uint8Array, c: DcapCollateral, at: Date): string[] {
  const v = verifyDcapQuote(quote, c, { at });
  expect(v.ok).toBe(false);
  return v.errors.map((e) => e.code);
}

/** Rejected by the parser (a structural field no longer makes sense) rather than by a signature check. */
function parseRejected(quote: Uint8Array): boolean {
  try {
    parseDcapQuote(quote);
    return false;
  } catch (e) {
    if (!isAegisError(e)) throw e;
    return true;
  }
}

describe.skipIf(!haveFixtures('tee/dcap'))('DCAP single-byte mutations', () => {
  for (const f of haveFixtures('tee/dcap') ? dcapFixtures() : []) {
    it(`${f.name}: every byte of each signed region`, () => {
      let n = 0;
      for (const r of regions(f)) {
        for (let i = r.start; i < r.end; i++) {
          const m = f.quote.slice();
          m[i] = (m[i] as number) ^ 0x01;
          const codes = verifyMutated(m, f.collateral, f.at);
          const structural = codes.some((c) => DCAP_STRUCT.includes(c)) || parseRejected(m);
          if (!structural && !codes.some((c) => DCAP_SIG.includes(c))) {
            expect.fail(`${r.name} byte ${i}: rejected only with ${codes.join(',')}`);
          }
          n++;
        }
      }
      expect(n).toBeGreaterThan(100);
    });
  }

  it('mutated signed collateral (TCB Info, QE Identity text, CRL DER) is rejected with a signature or CRL code', (ctx) => {
    const f = dcapFixtures().find((x) => x.name === 'dcap-qvl_tdx');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx');
    const raw = JSON.parse(f.collateralText) as Record<string, string>;
    const cases: [string, number, string[]][] = [
      ['tcb_info', 13, ['DCAP_TCB_INFO_SIGNATURE_INVALID']],
      ['qe_identity', 11, ['DCAP_QE_IDENTITY_SIGNATURE_INVALID']],
    ];
    for (const [field, stride, codes] of cases) {
      const text = raw[field] as string;
      for (let i = 0; i < text.length; i += stride) {
        const mutated = text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 0x01) + text.slice(i + 1);
        const c = parseDcapCollateral(JSON.stringify({ ...raw, [field]: mutated }));
        const got = verifyMutated(f.quote, c, f.at);
        expect(
          got.some((x) => codes.includes(x)),
          `${field}[${i}] → ${got.join(',')}`,
        ).toBe(true);
      }
    }
    for (const field of ['pck_crl', 'root_ca_crl'] as const) {
      const der = f.collateral[field === 'pck_crl' ? 'pckCrl' : 'rootCaCrl'];
      for (let i = 0; i < der.length; i += 29) {
        const m = der.slice();
        m[i] = (m[i] as number) ^ 0x01;
        const c: DcapCollateral = { ...f.collateral, [field === 'pck_crl' ? 'pckCrl' : 'rootCaCrl']: m };
        const got = verifyMutated(f.quote, c, f.at);
        expect(
          got.some((x) =>
            ['DCAP_CRL_INVALID', 'X509_CRL_INVALID', 'X509_DER_INVALID', 'DCAP_CRL_EXPIRED'].includes(x),
          ),
          `${field}[${i}] → ${got.join(',')}`,
        ).toBe(true);
      }
    }
  });

  it('truncated quotes give parse codes, never an exception', () => {
    for (const f of dcapFixtures()) {
      const q = parseDcapQuote(f.quote);
      const end = f.quote.length - q.trailing.length;
      for (let n = 0; n < end; n += n < 700 ? 1 : 13) {
        let thrown: unknown;
        try {
          parseDcapQuote(f.quote.subarray(0, n));
        } catch (e) {
          thrown = e;
        }
        expect(isAegisError(thrown), `${f.name} cut at ${n}`).toBe(true);
        const v = verifyDcapQuote(f.quote.subarray(0, n), f.collateral, { at: f.at });
        expect(v.ok).toBe(false);
        expect(v.quote).toBeUndefined();
      }
    }
  });
});

describe.skipIf(!haveFixtures('tee/snp'))('SEV-SNP single-byte mutations', () => {
  const anchors = haveFixtures('tee/snp') ? amdAnchors() : { certs: [] };
  for (const f of haveFixtures('tee/snp') ? snpFixtures() : []) {
    it(`${f.name}: every byte of the signed region and of R and S`, () => {
      const offsets: number[] = [];
      for (let i = 0; i < SNP_SIGNED_SIZE; i++) offsets.push(i);
      for (let i = 0; i < 48; i++) offsets.push(0x2a0 + i, 0x2e8 + i);
      for (const i of offsets) {
        const m = f.report.slice();
        m[i] = (m[i] as number) ^ 0x01;
        const v = verifySnpReport(m, f.vek, { at: f.at, trustAnchors: anchors });
        expect(v.ok).toBe(false);
        const codes = v.errors.map((e) => e.code);
        const structural = codes.some(
          (c) => c === 'SNP_REPORT_VERSION_UNSUPPORTED' || c === 'SNP_RESERVED_NONZERO',
        );
        if (!structural && !codes.includes('SNP_SIGNATURE_INVALID'))
          expect.fail(`byte 0x${i.toString(16)}: rejected only with ${codes.join(',')}`);
      }
    });
  }

  it('truncated or extended reports give parse codes, never an exception', () => {
    for (const f of snpFixtures()) {
      for (let n = 0; n < f.report.length; n += 37) {
        expect(() => parseSnpReport(f.report.subarray(0, n))).toThrowError(
          expect.objectContaining({ code: 'PARSE_TRUNCATED' }),
        );
      }
      const longer = new Uint8Array(f.report.length + 1);
      longer.set(f.report);
      expect(() => parseSnpReport(longer)).toThrowError(expect.objectContaining({ code: 'SNP_REPORT_SIZE' }));
    }
  });
});

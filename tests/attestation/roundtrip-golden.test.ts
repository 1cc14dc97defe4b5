import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import {
  dcapQuoteJson,
  parseDcapQuote,
  serializeDcapQuote,
  serializeQuoteSignedRegion,
} from '#attestation/dcap/index.js';
import { parseSnpReport, serializeSnpReport, snpReportJson } from '#attestation/sev-snp/index.js';
import { dcapFixtures, snpFixtures } from './tee-fixtures.js';

/**
 * serialize(parse(x)) == x for every fixture, and the parsed form equals the checked-in golden JSON
 * (tests/attestation/golden/, produced by our own parser; regenerate with AEGIS_UPDATE_GOLDEN=1).
 */
const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env['AEGIS_UPDATE_GOLDEN'] === '1';

function golden(name: string, value: unknown): void {
  const file = join(goldenDir, `${name}.json`);
  const text = JSON.stringify(value, null, 2) + '\n';
  if (update) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
  }
  expect(existsSync(file), `golden ${file} missing: run with AEGIS_UPDATE_GOLDEN=1`).toBe(true);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(text));
}

describe.skipIf(!haveFixtures('tee'))('byte-exact round trip and golden parsed form', () => {
  for (const f of haveFixtures('tee/dcap') ? dcapFixtures() : []) {
    it(`DCAP ${f.name}`, () => {
      const q = parseDcapQuote(f.quote);
      expect(Buffer.from(serializeDcapQuote(q)).equals(Buffer.from(f.quote))).toBe(true);
      expect(Buffer.from(serializeQuoteSignedRegion(q)).equals(Buffer.from(q.signedRegion))).toBe(true);
      golden(`dcap-${f.name}`, dcapQuoteJson(q));
    });
  }
  for (const f of haveFixtures('tee/snp') ? snpFixtures() : []) {
    it(`SNP ${f.name}`, () => {
      const r = parseSnpReport(f.report);
      expect(Buffer.from(serializeSnpReport(r)).equals(Buffer.from(f.report))).toBe(true);
      golden(`snp-${f.name}`, snpReportJson(r));
    });
  }
});

describe.skipIf(!haveFixtures('tee/dcap'))('v5 layouts without public samples', () => {
  it('an SGX body (type 1) and a TD 1.0 body (type 2) in a v5 quote round-trip with the right signed region', (ctx) => {
    const fs = dcapFixtures();
    const sgx = fs.find((f) => f.name === 'dcap-qvl_sgx');
    const tdx = fs.find((f) => f.name === 'dcap-qvl_tdx');
    if (sgx === undefined || tdx === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_{sgx,tdx}');
    for (const [base, type, size] of [
      [sgx, 1, 384],
      [tdx, 2, 584],
    ] as const) {
      const q = parseDcapQuote(base.quote);
      const v5 = serializeDcapQuote({
        ...q,
        header: { ...q.header, version: 5 },
        bodyType: type,
        trailing: new Uint8Array(0),
      });
      const p = parseDcapQuote(v5);
      expect([p.header.version, p.bodyType, p.signedRegion.length]).toEqual([5, type, 54 + size]);
      expect(Buffer.from(serializeDcapQuote(p)).equals(Buffer.from(v5))).toBe(true);
      expect(dcapQuoteJson(p)).toMatchObject({ body_type: type, body: { kind: q.body.kind } });
    }
  });

  it('rejects a v5 descriptor whose size or type contradicts the header', (ctx) => {
    const f = dcapFixtures().find((x) => x.name === 'automata-forge0625_v5');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/automata-forge0625_v5');
    const wrongSize = f.quote.slice();
    wrongSize[50] = 0x49; // 648 → 585
    expect(() => parseDcapQuote(wrongSize)).toThrowError(
      expect.objectContaining({ code: 'DCAP_BODY_TYPE_UNSUPPORTED' }),
    );
    const sgxType = f.quote.slice();
    sgxType[48] = 1; // SGX body in a TDX quote
    expect(() => parseDcapQuote(sgxType)).toThrowError(
      expect.objectContaining({ code: 'DCAP_BODY_TYPE_UNSUPPORTED' }),
    );
  });
});

describe.skipIf(!haveFixtures('tee'))('must-be-zero fields and SNP v5', () => {
  it('reserved bytes of reports are rejected with the area code', (ctx) => {
    const q = dcapFixtures().find((f) => f.name === 'dcap-qvl_sgx');
    const r = snpFixtures().find((f) => f.name === 'trustee-az-milan-v3');
    if (q === undefined || r === undefined)
      return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_sgx or tee/snp/trustee-az-milan-v3');
    for (const off of [48 + 20, 48 + 96, 48 + 160, 48 + 262]) {
      const m = q.quote.slice();
      m[off] = 1; // enclave report reserved1..4
      expect(() => parseDcapQuote(m), `quote byte ${off}`).toThrowError(
        expect.objectContaining({ code: 'DCAP_RESERVED_NONZERO' }),
      );
    }
    for (const off of [0x4c, 0x18b, 0x1eb, 0x1ef, 0x1f8, 0x208, 0x2a0 + 48, 0x2e8 + 71, 0x330, 0x49f]) {
      const m = r.report.slice();
      m[off] = 1;
      expect(() => parseSnpReport(m), `report byte 0x${off.toString(16)}`).toThrowError(
        expect.objectContaining({ code: 'SNP_RESERVED_NONZERO' }),
      );
    }
    const key = r.report.slice();
    key[0x48] = 0x20; // KEY_INFO bit 5
    expect(() => parseSnpReport(key)).toThrowError(expect.objectContaining({ code: 'SNP_RESERVED_NONZERO' }));
  });

  it('a v5 report keeps LAUNCH_MIT_VECTOR / CURRENT_MIT_VECTOR through a round trip; v2 keeps CPUID bytes zero', (ctx) => {
    const r = snpFixtures().find((f) => f.name === 'trustee-az-milan-v3');
    if (r === undefined) return skipMissingFixture(ctx, 'tee/snp/trustee-az-milan-v3');
    const p = parseSnpReport(r.report);
    const v5 = serializeSnpReport({ ...p, version: 5, launchMitVector: 0x1122n, currentMitVector: 0x3344n });
    const back = parseSnpReport(v5);
    expect([back.version, back.launchMitVector, back.currentMitVector]).toEqual([5, 0x1122n, 0x3344n]);
    expect(Buffer.from(serializeSnpReport(back)).equals(Buffer.from(v5))).toBe(true);
    const v2 = r.report.slice();
    v2[0] = 2; // a v2 report must have zero at the v3 CPUID bytes
    expect(() => parseSnpReport(v2)).toThrowError(expect.objectContaining({ code: 'SNP_RESERVED_NONZERO' }));
  });
});

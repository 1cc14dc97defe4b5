import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { haveFixtures } from '../helpers/fixtures.js';
import { dcapQuoteJson, parseDcapQuote, serializeDcapQuote, serializeQuoteSignedRegion } from '../../attestation/dcap/index.js';
import { parseSnpReport, serializeSnpReport, snpReportJson } from '../../attestation/sev-snp/index.js';
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

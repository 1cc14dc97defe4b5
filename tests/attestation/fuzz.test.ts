import { describe, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { runParserFuzz } from './fuzz.js';
import { amdAnchors, dcapFixtures, snpFixtures } from './tee-fixtures.js';

describe.skipIf(!haveFixtures('tee'))('parser fuzz (fast-check, fixed seed)', () => {
  it('parsers give codes, verifiers never accept edited evidence (seed 20261126, 200 runs)', (ctx) => {
    const q = dcapFixtures().find((f) => f.name === 'dcap-qvl_tdx');
    const r = snpFixtures().find((f) => f.name === 'trustee-az-milan-v3');
    if (q === undefined || r === undefined)
      return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx or tee/snp/trustee-az-milan-v3');
    runParserFuzz(
      {
        quote: q.quote,
        collateral: q.collateral,
        at: q.at,
        report: r.report,
        vek: r.vek,
        snpAt: r.at,
        anchors: amdAnchors(),
      },
      20261126,
      200,
    );
  });
});

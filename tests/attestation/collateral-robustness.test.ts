import { describe, expect, it } from 'vitest';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { parseDcapCollateral, verifyDcapQuote, type DcapCollateral } from '#attestation/dcap/index.js';
import { dcapFixtures } from './tee-fixtures.js';

/** Broken or swapped collateral gives codes in the verdict, never an exception and never acceptance. */
describe.skipIf(!haveFixtures('tee/dcap'))('collateral robustness', () => {
  it('each field replaced by garbage, emptied or swapped is rejected with a code', (ctx) => {
    const f = dcapFixtures().find((x) => x.name === 'dcap-qvl_tdx');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx');
    const c = f.collateral;
    const variants: [string, Partial<DcapCollateral>][] = [
      ['pck chain garbage', { pckCrlIssuerChain: 'not a chain' }],
      ['tcb chain = pck crl chain', { tcbInfoIssuerChain: c.pckCrlIssuerChain }],
      ['qe chain empty', { qeIdentityIssuerChain: '' }],
      ['root crl = pck crl', { rootCaCrl: c.pckCrl }],
      ['pck crl = root crl', { pckCrl: c.rootCaCrl }],
      ['pck crl truncated', { pckCrl: c.pckCrl.subarray(0, 100) }],
      ['tcb info not JSON but signed?', { tcbInfo: '{', tcbInfoSignature: new Uint8Array(64) }],
      ['tcb info = qe identity', { tcbInfo: c.qeIdentity, tcbInfoSignature: c.qeIdentitySignature }],
      ['qe identity = tcb info', { qeIdentity: c.tcbInfo, qeIdentitySignature: c.tcbInfoSignature }],
      ['short signature', { tcbInfoSignature: new Uint8Array(10) }],
    ];
    for (const [name, patch] of variants) {
      const v = verifyDcapQuote(f.quote, { ...c, ...patch }, { at: f.at });
      expect(v.ok, name).toBe(false);
      expect(v.errors.length, name).toBeGreaterThan(0);
      expect(
        v.errors.every((e) => /^[A-Z0-9_]+$/.test(e.code) && e.code !== 'INTERNAL_ERROR'),
        `${name}: ${JSON.stringify(v.errors)}`,
      ).toBe(true);
    }
  });

  it('collateral JSON with a missing field or bad hex is DCAP_COLLATERAL_INVALID', (ctx) => {
    const f = dcapFixtures()[0];
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/*');
    const raw = JSON.parse(f.collateralText) as Record<string, unknown>;
    const { pck_crl: _drop, ...missing } = raw;
    expect(() => parseDcapCollateral(JSON.stringify(missing))).toThrowError(
      expect.objectContaining({ code: 'DCAP_COLLATERAL_INVALID' }),
    );
    expect(() => parseDcapCollateral(JSON.stringify({ ...raw, root_ca_crl: 'xyz' }))).toThrowError(
      expect.objectContaining({ code: 'DCAP_COLLATERAL_INVALID' }),
    );
    expect(() => parseDcapCollateral('[]')).toThrowError(
      expect.objectContaining({ code: 'DCAP_COLLATERAL_INVALID' }),
    );
  });
});

import { QuoteVerifier, verify as qvlVerify, type Collateral } from '@phala/dcap-qvl';
import { describe, expect, it } from 'vitest';
import { utf8 } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import { haveFixtures, skipMissingFixture } from '../helpers/fixtures.js';
import { parseDcapCollateral, verifyDcapQuote } from '#attestation/dcap/index.js';
import { parsePolicy, dcapReport } from '#attestation/validate/index.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { signRaw } from '#firmware-sim/tee/pki.js';
import { dcapFixtures, type DcapFixture } from './tee-fixtures.js';

/**
 * Cross-check against @phala/dcap-qvl 0.3.9 (pure JS port of Phala's Rust dcap-qvl). Where it follows Intel's
 * QVL it must agree with us; its documented divergences are asserted as known differences:
 *  1. TEE_TCB_SVN: it compares all 16 TDX bytes, Intel skips bytes 0–1 when byte 1 > 0;
 *  2. built-in policy: it rejects debug TDs / enclaves, TD 1.5 with a non-zero MRSERVICETD, TDs without
 *     SEPT_VE_DISABLE — we leave that to the appraisal policy;
 *  3. TCB Info v2 (PCS API v3) is not decoded;
 *  4. CRL dates: it ignores thisUpdate / nextUpdate of the CRLs.
 */
type Outcome = { ok: true; status: string; advisories: string[] } | { ok: false; error: string };

function qvl(quote: Uint8Array, collateral: Collateral, at: Date, rootDer?: Uint8Array): Outcome {
  try {
    const r =
      rootDer === undefined
        ? qvlVerify(Buffer.from(quote), collateral, Math.floor(at.getTime() / 1000))
        : QuoteVerifier.newWithRootCa(Buffer.from(rootDer)).verify(
            Buffer.from(quote),
            collateral,
            Math.floor(at.getTime() / 1000),
          );
    return { ok: true, status: r.status, advisories: [...r.advisory_ids] };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

const rawCollateral = (f: DcapFixture): Collateral => JSON.parse(f.collateralText) as Collateral;
const DIVERGENT = new Set(['automata-forge0625_sgx_tcbv2', 'automata-forge0625_v5']);

describe.skipIf(!haveFixtures('tee/dcap'))('cross-check with @phala/dcap-qvl', () => {
  const fixtures = haveFixtures('tee/dcap') ? dcapFixtures() : [];

  for (const f of fixtures.filter((x) => !DIVERGENT.has(x.name))) {
    it(`agrees on ${f.name}`, () => {
      const ours = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
      const theirs = qvl(f.quote, rawCollateral(f), f.at);
      if (ours.ok) {
        expect(theirs).toEqual({ ok: true, status: ours.tcbStatus, advisories: ours.advisoryIds });
      } else {
        expect(ours.errors.map((e) => e.code)).toContain('DCAP_TCB_NO_MATCH');
        expect(theirs).toEqual({ ok: false, error: 'No matching TCB level found' });
      }
    });
  }

  it('known difference 3: TCB Info v2 — dcap-qvl cannot decode it, we follow Intel (SWHardeningNeeded)', (ctx) => {
    const f = fixtures.find((x) => x.name === 'automata-forge0625_sgx_tcbv2');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/automata-forge0625_sgx_tcbv2');
    expect(qvl(f.quote, rawCollateral(f), f.at)).toEqual({ ok: false, error: 'Failed to decode TcbInfo' });
    const ours = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
    expect([ours.ok, ours.tcbStatus]).toEqual([true, 'SWHardeningNeeded']);
  });

  it('known difference 2: built-in policy — dcap-qvl rejects a TD 1.5 with MRSERVICETD, we verify and leave it to policy', (ctx) => {
    const f = fixtures.find((x) => x.name === 'automata-forge0625_v5');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/automata-forge0625_v5');
    expect(qvl(f.quote, rawCollateral(f), f.at)).toEqual({ ok: false, error: 'Invalid mr service td' });
    const ours = verifyDcapQuote(f.quote, f.collateral, { at: f.at });
    expect([ours.ok, ours.tcbStatus]).toEqual([true, 'UpToDate']);
  });

  it('known difference 4: CRL dates — one second after the PCK CRL nextUpdate dcap-qvl still accepts, we reject', (ctx) => {
    const f = fixtures.find((x) => x.name === 'dcap-qvl_tdx');
    if (f === undefined) return skipMissingFixture(ctx, 'tee/dcap/dcap-qvl_tdx');
    const late = new Date(new Date(f.expected.valid_window_utc[1]).getTime() + 1000);
    expect(qvl(f.quote, rawCollateral(f), late)).toMatchObject({ ok: true, status: 'UpToDate' });
    const ours = verifyDcapQuote(f.quote, f.collateral, { at: late });
    expect(ours.errors.map((e) => e.code)).toEqual(['DCAP_CRL_EXPIRED']);
  });

  it('known difference 1: TEE_TCB_SVN bytes 0–1 — Intel skips them when byte 1 > 0, dcap-qvl does not', async () => {
    // A simulated TD (module 1.4, TEE_TCB_SVN 04 01 02 …) and TCB Info whose newest level asks for 05 00 02:
    // Intel's isTdxTcbHigherOrEqual starts at byte 2 (the module is judged by TDX_01), so the newest level
    // matches; comparing all bytes makes 4 < 5 fail and falls to the OutOfDate level.
    const now = new Date();
    const sim = await SimulatedTdx.create({ now });
    const e = await sim.getEvidence(new Uint8Array(64));
    if (e.tee !== 'tdx' || e.collateral === undefined) throw new Error('no collateral');
    const info = JSON.parse(e.collateral.tcb_info) as {
      tcbLevels: { tcb: { tdxtcbcomponents: { svn: number }[] } }[];
    };
    const top = info.tcbLevels[0]?.tcb.tdxtcbcomponents[0];
    if (top === undefined) throw new Error('unexpected TCB Info');
    top.svn = 5;
    const tcbInfo = JSON.stringify(info);
    const sig = await signRaw(sim.pki.tcbSigning.key, 'SHA-256', utf8.encode(tcbInfo));
    const collateral = { ...e.collateral, tcb_info: tcbInfo, tcb_info_signature: toHex(sig) };

    const ours = verifyDcapQuote(e.quote, parseDcapCollateral(JSON.stringify(collateral)), {
      at: now,
      trustAnchors: { rootSha256: [toHex(sha256(sim.trustAnchor.der))] },
    });
    expect(ours.errors).toEqual([]);
    expect(ours.tcbStatus).toBe('UpToDate');
    expect(qvl(e.quote, collateral, now, sim.trustAnchor.der)).toMatchObject({
      ok: true,
      status: 'OutOfDate',
    });
  });

  it('known difference 2 (debug): dcap-qvl rejects a debug TD outright; we verify it and the policy rejects it', async () => {
    const now = new Date();
    const sim = await SimulatedTdx.create({ now, debug: true });
    const e = await sim.getEvidence(new Uint8Array(64));
    if (e.tee !== 'tdx' || e.collateral === undefined) throw new Error('no collateral');
    expect(qvl(e.quote, e.collateral, now, sim.trustAnchor.der)).toEqual({
      ok: false,
      error: 'Debug mode is enabled',
    });
    const v = verifyDcapQuote(e.quote, parseDcapCollateral(JSON.stringify(e.collateral)), {
      at: now,
      trustAnchors: { rootSha256: [toHex(sha256(sim.trustAnchor.der))] },
    });
    expect(v.ok).toBe(true);
    const r = dcapReport(v, parsePolicy({ debug_forbidden: true }));
    expect([r.ok, r.policy.failed]).toEqual([false, ['debug_forbidden']]);
  });
});

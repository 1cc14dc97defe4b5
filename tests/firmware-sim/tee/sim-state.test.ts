import { describe, expect, it } from 'vitest';
import { parseDcapCollateral, verifyDcapQuote } from '#attestation/dcap/index.js';
import { verifySnpReport } from '#attestation/sev-snp/index.js';
import { certsFromBlob, dcapAnchorsFromCerts, snpAnchorsFromCerts } from '#attestation/trust/index.js';
import { SimulatedAmdSp } from '#firmware-sim/tee/amd-sp.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { parseSimState, type SnpSimState, type TdxSimState } from '#firmware-sim/tee/sim-state.js';

const rd = new Uint8Array(64).fill(9);
const day = 86_400_000;

/** What a composition root does: JSON text on disk between two processes. */
const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('simulator state survives a restart (same TEST-ONLY anchors, fresh collateral)', () => {
  it("TDX: a resumed simulator signs quotes that verify under the first run's root, 2 days later", async () => {
    const t0 = new Date();
    const first = await SimulatedTdx.create({ now: t0 });
    const state = parseSimState(roundTrip(await first.exportState()));
    expect(state).toMatchObject({ kind: 'tdx', test_only: true });
    const later = new Date(t0.getTime() + 2 * day);
    const resumed = await SimulatedTdx.create({ now: later, state: state as TdxSimState });
    expect(resumed.trustAnchor.pem).toBe(first.trustAnchor.pem);
    const ev = await resumed.getEvidence(rd);
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(first.trustAnchor.pem), 'first root'));
    const v = verifyDcapQuote(ev.quote, parseDcapCollateral(JSON.stringify(ev.collateral)), {
      at: later,
      trustAnchors: anchors,
    });
    expect(v.errors).toEqual([]);
    // The first run's collateral has expired by then; the resumed run re-issued it.
    const stale = verifyDcapQuote(ev.quote, parseDcapCollateral(JSON.stringify(first.collateral)), {
      at: new Date(t0.getTime() + 40 * day),
      trustAnchors: anchors,
    });
    expect(stale.ok).toBe(false);
  });

  it('SEV-SNP: a resumed AMD-SP keeps its VCEK, CHIP_ID and launch measurement', async () => {
    const first = await SimulatedAmdSp.create({ measurement: new Uint8Array(48).fill(7) });
    const state = parseSimState(roundTrip(await first.exportState()));
    const resumed = await SimulatedAmdSp.create({ state: state as SnpSimState });
    const a = await first.report(rd);
    const b = await resumed.report(rd);
    expect(Buffer.from(b.subarray(0, 0x2a0)).equals(Buffer.from(a.subarray(0, 0x2a0)))).toBe(true);
    const anchors = snpAnchorsFromCerts(
      certsFromBlob(Buffer.from(first.trustAnchors.ark.pem + first.trustAnchors.ask.pem), 'first'),
    );
    const ev = await resumed.getEvidence(rd);
    const v = verifySnpReport(ev.report, ev.vekChain?.vek ?? new Uint8Array(), {
      at: new Date(),
      trustAnchors: anchors,
    });
    expect(v.errors).toEqual([]);
  });

  it('rejects documents that are not simulator state, with TEE_SIM_STATE_INVALID', async () => {
    const bad = [
      null,
      [],
      { format: 'x' },
      { format: 'aegis-sim-tee-state-v1', test_only: true, kind: 'tdx', tcb: {} },
    ];
    for (const b of bad)
      expect(() => parseSimState(b)).toThrow(expect.objectContaining({ code: 'TEE_SIM_STATE_INVALID' }));
    const good = (await (await SimulatedTdx.create()).exportState()) as TdxSimState;
    const broken = {
      ...good,
      pck: { ...good.pck, key_pkcs8_b64: Buffer.from('not a key').toString('base64') },
    };
    await expect(SimulatedTdx.create({ state: broken })).rejects.toMatchObject({
      code: 'TEE_SIM_STATE_INVALID',
    });
  });
});

describe('createSimulatedTee with saved state', () => {
  it('resumes the same anchors and refuses state of the other TEE', async () => {
    const { createSimulatedTee } = await import('#firmware-sim/tee/index.js');
    const a = await createSimulatedTee('tdx');
    const st = await a.exportState();
    const b = await createSimulatedTee('tdx', { state: st });
    expect(b.trustAnchorsPem).toBe(a.trustAnchorsPem);
    await expect(createSimulatedTee('sev-snp', { state: st })).rejects.toMatchObject({
      code: 'TEE_SIM_STATE_INVALID',
    });
  });
});

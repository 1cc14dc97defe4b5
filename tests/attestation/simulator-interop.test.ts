import { describe, expect, it } from 'vitest';
import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import {
  parseDcapCollateral,
  parseDcapQuote,
  serializeDcapQuote,
  verifyDcapQuote,
} from '#attestation/dcap/index.js';
import { parseSnpReport, serializeSnpReport, verifySnpReport } from '#attestation/sev-snp/index.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { SimulatedAmdSp } from '#firmware-sim/tee/amd-sp.js';

/**
 * The simulators (firmware-sim/tee) emit evidence under a run-time TEST-ONLY CA. The verifiers accept it
 * only when that CA is supplied as a trust anchor; with the default (pinned vendor roots) it is rejected.
 */
const reportData = new Uint8Array(64).fill(7);

describe('verifiers on simulator evidence', () => {
  it('TDX: accepted only with the simulator root as anchor; byte-exact round trip', async () => {
    const now = new Date();
    const sim = await SimulatedTdx.create({ now });
    const e = await sim.getEvidence(reportData);
    if (e.tee !== 'tdx' || e.collateral === undefined) throw new Error('no collateral');
    const collateral = parseDcapCollateral(JSON.stringify(e.collateral));
    const q = parseDcapQuote(e.quote);
    expect(Buffer.from(serializeDcapQuote(q)).equals(Buffer.from(e.quote))).toBe(true);
    const anchors = { rootSha256: [toHex(sha256(sim.trustAnchor.der))] };
    const ok = verifyDcapQuote(e.quote, collateral, { at: now, trustAnchors: anchors });
    expect(ok.errors).toEqual([]);
    expect(ok.tcbStatus).toBe('UpToDate');
    const pinned = verifyDcapQuote(e.quote, collateral, { at: now });
    expect(pinned.ok).toBe(false);
    expect(pinned.errors.map((x) => x.code)).toContain('DCAP_ROOT_UNTRUSTED');
  });

  it('TDX: a revoked PCK is rejected with DCAP_CERT_REVOKED', async () => {
    const now = new Date();
    const sim = await SimulatedTdx.create({ now, revokePck: true });
    const e = await sim.getEvidence(reportData);
    if (e.tee !== 'tdx' || e.collateral === undefined) throw new Error('no collateral');
    const v = verifyDcapQuote(e.quote, parseDcapCollateral(JSON.stringify(e.collateral)), {
      at: now,
      trustAnchors: { rootSha256: [toHex(sha256(sim.trustAnchor.der))] },
    });
    expect(v.errors.map((x) => x.code)).toEqual(['DCAP_CERT_REVOKED']);
  });

  it('SEV-SNP: accepted only with the simulator ARK pinned; byte-exact round trip', async () => {
    const now = new Date();
    const sim = await SimulatedAmdSp.create({ now });
    const e = await sim.getEvidence(reportData);
    if (e.tee !== 'sev-snp' || e.vekChain === undefined) throw new Error('no VEK chain');
    expect(Buffer.from(serializeSnpReport(parseSnpReport(e.report))).equals(Buffer.from(e.report))).toBe(
      true,
    );
    const certs = [e.vekChain.ask, e.vekChain.ark].filter((c): c is Uint8Array => c !== undefined);
    const ok = verifySnpReport(e.report, e.vekChain.vek, {
      at: now,
      trustAnchors: { certs, rootSha256: { milan: [toHex(sha256(sim.trustAnchors.ark.der))] } },
    });
    expect(ok.errors).toEqual([]);
    expect(ok.ok).toBe(true);
    const pinned = verifySnpReport(e.report, e.vekChain.vek, { at: now, trustAnchors: { certs } });
    expect(pinned.errors.map((x) => x.code)).toContain('SNP_ROOT_UNTRUSTED');
  });
});

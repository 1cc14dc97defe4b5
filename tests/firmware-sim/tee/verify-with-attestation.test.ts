import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseDcapCollateral,
  parseDcapQuote,
  serializeDcapQuote,
  verifyDcapQuote,
} from '#attestation/dcap/index.js';
import { parseSnpReport, serializeSnpReport, verifySnpReport } from '#attestation/sev-snp/index.js';
import { certsFromBlob, dcapAnchorsFromCerts, snpAnchorsFromCerts } from '#attestation/trust/index.js';
import type { QuoteCollateralV3 } from '#device/tee.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { SimulatedAmdSp } from '#firmware-sim/tee/amd-sp.js';
import { createSimulatedTee } from '#firmware-sim/tee/index.js';
import { fixturesDir, haveFixtures } from '../../helpers/fixtures.js';

/**
 * Acceptance (issue 4, TEE part): simulated evidence verifies with the attestation/ verifiers ONLY when the
 * simulator's anchors are passed; Intel's and AMD's real anchors reject it.
 */
const rd = Uint8Array.from({ length: 64 }, (_, i) => 3 * i);
const now = new Date();
const anchorsDir = join(fixturesDir, 'tee/trust-anchors');
const codes = (v: { errors: { code: string }[] }): string[] => v.errors.map((e) => e.code);
const collateralOf = (c: QuoteCollateralV3 | undefined) => parseDcapCollateral(JSON.stringify(c));

describe('simulated TDX quote against attestation/dcap', () => {
  let sim: SimulatedTdx;
  let quote: Uint8Array;
  let collateral: QuoteCollateralV3 | undefined;

  beforeAll(async () => {
    sim = await SimulatedTdx.create({ now });
    const ev = await sim.getEvidence(rd);
    quote = ev.quote;
    collateral = ev.collateral;
  });

  it('is byte-exact: the attestation parser re-serializes it to the same bytes', () => {
    const parsed = parseDcapQuote(quote);
    expect(parsed.header.version).toBe(4);
    expect(parsed.body.kind).toBe('td');
    expect(Buffer.from(serializeDcapQuote(parsed)).equals(Buffer.from(quote))).toBe(true);
  });

  it("verifies, UpToDate, with the simulator's root passed as trust anchor", () => {
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(sim.trustAnchor.pem), 'sim root'));
    const v = verifyDcapQuote(quote, collateralOf(collateral), { at: now, trustAnchors: anchors });
    expect(codes(v)).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.tee).toBe('tdx');
    expect(v.tcbStatus).toBe('UpToDate');
  });

  it('is rejected with the default (pinned Intel) anchors', () => {
    const v = verifyDcapQuote(quote, collateralOf(collateral), { at: now });
    expect(v.ok).toBe(false);
    expect(codes(v)).toContain('DCAP_ROOT_UNTRUSTED');
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    'is rejected with the real Intel SGX Root CA from the fixtures',
    () => {
      const intel = certsFromBlob(
        readFileSync(join(anchorsDir, 'intel/Intel_SGX_Root_CA.der')),
        'Intel root',
      );
      const v = verifyDcapQuote(quote, collateralOf(collateral), {
        at: now,
        trustAnchors: dcapAnchorsFromCerts(intel),
      });
      expect(v.ok).toBe(false);
      expect(codes(v)).toContain('DCAP_ROOT_UNTRUSTED');
    },
  );

  it('a changed REPORTDATA byte breaks the quote signature', () => {
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(sim.trustAnchor.pem), 'sim root'));
    const t = quote.slice();
    t[568] = (t[568] as number) ^ 0xff;
    const v = verifyDcapQuote(t, collateralOf(collateral), { at: now, trustAnchors: anchors });
    expect(v.ok).toBe(false);
    expect(codes(v).some((c) => c.includes('SIGNATURE'))).toBe(true);
  });

  it('a revoked simulated PCK certificate is rejected through the simulated PCK CRL', async () => {
    const revoked = await SimulatedTdx.create({ now, revokePck: true });
    const ev = await revoked.getEvidence(rd);
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(revoked.trustAnchor.pem), 'sim root'));
    const v = verifyDcapQuote(ev.quote, collateralOf(ev.collateral), { at: now, trustAnchors: anchors });
    expect(codes(v)).toContain('DCAP_CERT_REVOKED');
  });

  it('collateral expires: verification 40 days later fails', () => {
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(sim.trustAnchor.pem), 'sim root'));
    const later = new Date(now.getTime() + 40 * 86_400_000);
    expect(verifyDcapQuote(quote, collateralOf(collateral), { at: later, trustAnchors: anchors }).ok).toBe(
      false,
    );
  });
});

describe('simulated SEV-SNP report against attestation/sev-snp', () => {
  let sp: SimulatedAmdSp;
  let report: Uint8Array;
  let chain: Uint8Array[];

  beforeAll(async () => {
    sp = await SimulatedAmdSp.create({ now });
    const ev = await sp.getEvidence(rd);
    report = ev.report;
    const c = ev.vekChain;
    if (c?.ask === undefined || c.ark === undefined) throw new Error('simulator returned no chain');
    chain = [c.vek, c.ask, c.ark];
  });

  it('is byte-exact: the attestation parser re-serializes it to the same bytes', () => {
    const parsed = parseSnpReport(report);
    expect(parsed.version).toBe(3);
    expect(Buffer.from(serializeSnpReport(parsed)).equals(Buffer.from(report))).toBe(true);
  });

  it("verifies with the simulator's ARK and ASK passed as trust anchors", () => {
    const certs = [
      ...certsFromBlob(Buffer.from(sp.trustAnchors.ark.pem), 'ark'),
      ...certsFromBlob(Buffer.from(sp.trustAnchors.ask.pem), 'ask'),
    ];
    const v = verifySnpReport(report, chain[0] as Uint8Array, {
      at: now,
      trustAnchors: snpAnchorsFromCerts(certs),
    });
    expect(codes(v)).toEqual([]);
    expect(v).toMatchObject({ ok: true, product: 'milan', signer: 'vcek', version: 3 });
    expect(v.reportedTcb).toMatchObject({ bootloader: 4, tee: 0, snp: 24, microcode: 219 });
  });

  it('is rejected when only the evidence carries the simulated ARK (pinned AMD roots by default)', () => {
    const v = verifySnpReport(report, chain, { at: now, trustAnchors: { certs: [] } });
    expect(v.ok).toBe(false);
    expect(codes(v)).toContain('SNP_ROOT_UNTRUSTED');
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    "is rejected with AMD's real Milan ARK and ASK from the fixtures",
    () => {
      const real = ['milan_ark.pem', 'milan_ask.pem'].flatMap((f) =>
        certsFromBlob(readFileSync(join(anchorsDir, 'amd', f)), f),
      );
      const v = verifySnpReport(report, chain[0] as Uint8Array, {
        at: now,
        trustAnchors: snpAnchorsFromCerts(real),
      });
      expect(v.ok).toBe(false);
      expect(codes(v)).toContain('SNP_CHAIN_INVALID');
    },
  );

  it('a changed REPORTED_TCB byte fails both the signature and the VCEK TCB match', () => {
    const certs = certsFromBlob(Buffer.from(sp.trustAnchors.ark.pem + sp.trustAnchors.ask.pem), 'anchors');
    const t = report.slice();
    t[0x186] = (t[0x186] as number) + 1;
    const v = verifySnpReport(t, chain[0] as Uint8Array, {
      at: now,
      trustAnchors: snpAnchorsFromCerts(certs),
    });
    expect(codes(v)).toEqual(expect.arrayContaining(['SNP_TCB_MISMATCH', 'SNP_SIGNATURE_INVALID']));
  });
});

describe('createSimulatedTee (composition-root entry)', () => {
  it('builds either TEE with the PEM anchors its evidence verifies under', async () => {
    const tdx = await createSimulatedTee('tdx', { now });
    const tev = await tdx.provider.getEvidence(rd);
    if (tev.tee !== 'tdx') throw new Error('wrong tee');
    const tAnchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(tdx.trustAnchorsPem), 'anchors'));
    expect(
      verifyDcapQuote(tev.quote, collateralOf(tev.collateral), { at: now, trustAnchors: tAnchors }).ok,
    ).toBe(true);

    const snp = await createSimulatedTee('sev-snp', { now });
    expect(snp.provider).toMatchObject({ kind: 'sev-snp', simulated: true });
    const sev = await snp.provider.getEvidence(rd);
    if (sev.tee !== 'sev-snp' || sev.vekChain === undefined) throw new Error('wrong tee');
    const sAnchors = snpAnchorsFromCerts(certsFromBlob(Buffer.from(snp.trustAnchorsPem), 'anchors'));
    expect(verifySnpReport(sev.report, sev.vekChain.vek, { at: now, trustAnchors: sAnchors }).ok).toBe(true);
  });
});

describe('simulated Genoa AMD-SP', () => {
  it('is recognised as Genoa from CPUID and the VCEK and verifies under its own ARK/ASK only', async () => {
    const sp = await SimulatedAmdSp.create({ product: 'Genoa', now });
    const ev = await sp.getEvidence(rd);
    const anchors = snpAnchorsFromCerts(
      certsFromBlob(Buffer.from(sp.trustAnchors.ark.pem + sp.trustAnchors.ask.pem), 'genoa'),
    );
    const v = verifySnpReport(ev.report, ev.vekChain?.vek ?? new Uint8Array(), {
      at: now,
      trustAnchors: anchors,
    });
    expect(v).toMatchObject({ ok: true, product: 'genoa' });
    const none = verifySnpReport(ev.report, ev.vekChain?.vek ?? new Uint8Array(), {
      at: now,
      trustAnchors: { certs: [] },
    });
    expect(none.ok).toBe(false);
  });
});

describe('simulated TD Quote v5 (TD report 1.5 body)', () => {
  it('has the v5 body descriptor, REPORTDATA at 574, and verifies UpToDate with the simulator root only', async () => {
    const sim = await SimulatedTdx.create({ now, quoteVersion: 5 });
    const ev = await sim.getEvidence(rd);
    const q = ev.quote;
    expect(q[0]).toBe(5);
    expect([q[48], q[49]]).toEqual([3, 0]);
    expect(new DataView(q.buffer, q.byteOffset).getUint32(50, true)).toBe(648);
    expect([...q.subarray(574, 638)]).toEqual([...rd]);
    const parsed = parseDcapQuote(q);
    expect(Buffer.from(serializeDcapQuote(parsed)).equals(Buffer.from(q))).toBe(true);
    const anchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(sim.trustAnchor.pem), 'sim root'));
    const v = verifyDcapQuote(q, collateralOf(ev.collateral), { at: now, trustAnchors: anchors });
    expect(codes(v)).toEqual([]);
    expect(v).toMatchObject({ ok: true, version: 5, tcbStatus: 'UpToDate' });
    expect(verifyDcapQuote(q, collateralOf(ev.collateral), { at: now }).ok).toBe(false);
  });
});

describe('simulated VLEK-signed SEV-SNP report', () => {
  let sp: SimulatedAmdSp;
  let report: Uint8Array;
  let vek: Uint8Array;
  beforeAll(async () => {
    sp = await SimulatedAmdSp.create({ signer: 'vlek', now });
    const ev = await sp.getEvidence(rd);
    expect(ev.vekChain?.signer).toBe('vlek');
    report = ev.report;
    vek = ev.vekChain?.vek ?? new Uint8Array();
  });

  it('chains VLEK → ASVK → ARK, zero CHIP_ID, SIGNING_KEY 1; verifies only with the simulator ARK + ASVK', async () => {
    expect(report.subarray(0x1a0, 0x1e0).every((b) => b === 0)).toBe(true);
    expect((new DataView(report.buffer, report.byteOffset).getUint32(0x48, true) >>> 2) & 7).toBe(1);
    const anchors = snpAnchorsFromCerts(certsFromBlob(Buffer.from(sp.trustAnchorsPem), 'vlek anchors'));
    const v = verifySnpReport(report, vek, { at: now, trustAnchors: anchors });
    expect(codes(v)).toEqual([]);
    expect(v).toMatchObject({ ok: true, signer: 'vlek', product: 'milan' });
    // The state keeps the VLEK signer and its ASVK.
    const resumed = await SimulatedAmdSp.create({ state: await sp.exportState() });
    expect(resumed.signer).toBe('vlek');
    expect(resumed.trustAnchorsPem).toBe(sp.trustAnchorsPem);
    const again = await resumed.getEvidence(rd);
    expect(
      verifySnpReport(again.report, again.vekChain?.vek ?? new Uint8Array(), {
        at: now,
        trustAnchors: anchors,
      }).ok,
    ).toBe(true);
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    "is rejected with AMD's real Milan ARK and ASVK from the fixtures",
    () => {
      const real = ['milan_ark.pem', 'milan_asvk.pem'].flatMap((f) =>
        certsFromBlob(readFileSync(join(anchorsDir, 'amd', f)), f),
      );
      expect(verifySnpReport(report, vek, { at: now, trustAnchors: snpAnchorsFromCerts(real) }).ok).toBe(
        false,
      );
    },
  );
});

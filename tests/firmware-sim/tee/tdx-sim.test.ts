import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteReader } from '#core/bytes.js';
import { sha256 } from '#crypto/hash.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { fixturesDir, haveFixtures } from '../../helpers/fixtures.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => (i * 7) & 0xff);
let sim: SimulatedTdx;
let quote: Uint8Array;

function p256FromXY(xy: Uint8Array) {
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: Buffer.from(xy.subarray(0, 32)).toString('base64url'),
    y: Buffer.from(xy.subarray(32)).toString('base64url'),
  };
  return createPublicKey({ key: jwk, format: 'jwk' });
}

function pemCerts(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (p) => new X509Certificate(p),
  );
}

beforeAll(async () => {
  sim = await SimulatedTdx.create();
  quote = await sim.quote(rd);
});

describe('simulated TDX quote v4: byte layout (tee-evidence-layouts.md §1–§3.2)', () => {
  it('has the v4 header, TDX tee_type, Intel QE vendor id and REPORTDATA at 568', () => {
    const r = new ByteReader(quote);
    expect(r.u16le()).toBe(4);
    expect(r.u16le()).toBe(2);
    expect(r.u32le()).toBe(0x81);
    expect(Buffer.from(quote.subarray(12, 28)).toString('hex')).toBe('939a7233f79c4ca9940a0db3957f0607');
    expect([...quote.subarray(568, 632)]).toEqual([...rd]);
    expect(Buffer.from(quote.subarray(184, 232)).equals(Buffer.from(sim.reportBody(rd).mrTd))).toBe(true);
  });

  it('signature_data_len at 632 covers exactly the rest, with QE certification data type 6 and PEM type 5', () => {
    const len = new ByteReader(quote.subarray(632)).u32le();
    expect(636 + len).toBe(quote.length);
    const sig = new ByteReader(quote.subarray(636));
    sig.skip(128);
    expect(sig.u16le()).toBe(6);
    expect(sig.u32le()).toBe(len - 134);
    sig.skip(384 + 64);
    const auth = sig.u16le();
    sig.skip(auth);
    expect(sig.u16le()).toBe(5);
    const m = sig.u32le();
    const chain = sig.bytes(m);
    expect(chain[chain.length - 1]).toBe(0);
    expect(sig.remaining).toBe(0);
  });

  it('rejects report data that is not 64 bytes', async () => {
    await expect(sim.quote(new Uint8Array(63))).rejects.toMatchObject({ code: 'TEE_REPORT_DATA_INVALID' });
  });
});

describe('simulated TDX quote: signatures check with independent node:crypto code', () => {
  it('quote signature over header‖body verifies under the attestation key; tampering breaks it', () => {
    const ak = p256FromXY(quote.subarray(636 + 64, 636 + 128));
    const sig = quote.subarray(636, 700);
    const ok = (region: Uint8Array) => verify('sha256', region, { key: ak, dsaEncoding: 'ieee-p1363' }, sig);
    expect(ok(quote.subarray(0, 632))).toBe(true);
    const t = quote.slice(0, 632);
    t[600] = (t[600] as number) ^ 1;
    expect(ok(t)).toBe(false);
  });

  it('QE report binds the attestation key and is signed by the PCK leaf; chain ends at the TEST-ONLY root', () => {
    const base = 636 + 134;
    const qeReport = quote.subarray(base, base + 384);
    const qeSig = quote.subarray(base + 384, base + 448);
    const ak = quote.subarray(636 + 64, 636 + 128);
    const auth = quote.subarray(base + 450, base + 482);
    expect(Buffer.from(qeReport.subarray(320, 352)).equals(Buffer.from(sha256(ak, auth)))).toBe(true);
    const chainStart = base + 450 + 32 + 6;
    const certs = pemCerts(Buffer.from(quote.subarray(chainStart)).toString('latin1'));
    expect(certs).toHaveLength(3);
    const [leaf, ca, root] = certs as [X509Certificate, X509Certificate, X509Certificate];
    expect(verify('sha256', qeReport, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, qeSig)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.verify(root.publicKey)).toBe(true);
    expect(root.subject).toMatch(/TEST-ONLY/);
    expect(Buffer.from(root.raw).equals(Buffer.from(sim.trustAnchor.der))).toBe(true);
  });

  it('collateral is signed by the TCB Signing key over the exact JSON text', () => {
    const c = sim.collateral;
    const signer = pemCerts(c.tcb_info_issuer_chain)[0] as X509Certificate;
    const check = (text: string, sigHex: string) =>
      verify(
        'sha256',
        Buffer.from(text, 'utf8'),
        { key: signer.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(sigHex, 'hex'),
      );
    expect(check(c.tcb_info, c.tcb_info_signature)).toBe(true);
    expect(check(c.qe_identity, c.qe_identity_signature)).toBe(true);
    expect(check(`${c.tcb_info} `, c.tcb_info_signature)).toBe(false);
    const tcb = JSON.parse(c.tcb_info) as {
      id: string;
      fmspc: string;
      tdxModuleIdentities: { id: string }[];
    };
    expect(tcb.id).toBe('TDX');
    expect(tcb.tdxModuleIdentities[0]?.id).toBe('TDX_01');
    const qe = JSON.parse(c.qe_identity) as { id: string; mrsigner: string };
    expect(qe.id).toBe('TD_QE');
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    'the real Intel SGX Root CA did not sign the simulated chain',
    () => {
      const intel = new X509Certificate(
        readFileSync(join(fixturesDir, 'tee/trust-anchors/intel/Intel_SGX_Root_CA.der')),
      );
      const certs = pemCerts(sim.pki.pckChainPem);
      expect(certs[1]?.verify(intel.publicKey)).toBe(false);
      expect(certs[2]?.verify(intel.publicKey)).toBe(false);
    },
  );
});

describe('simulated TD measurements', () => {
  it('RTMR extend is SHA-384(old ‖ digest) and shows in the next quote', async () => {
    const before = sim.reportBody(rd).rtmr[2];
    sim.extendRtmr(2, new Uint8Array(48).fill(1));
    const q = await sim.quote(rd);
    expect(Buffer.from(q.subarray(48 + 424, 48 + 472)).equals(Buffer.from(before))).toBe(false);
    await expect(async () => sim.extendRtmr(4, new Uint8Array(48))).rejects.toMatchObject({
      code: 'TEE_SIM_FIELD_SIZE',
    });
  });

  it('getEvidence returns the quote, the collateral and simulated: true', async () => {
    const ev = await sim.getEvidence(rd);
    expect(ev).toMatchObject({ tee: 'tdx', simulated: true, source: 'simulator' });
    expect(ev.collateral?.tcb_info).toBe(sim.collateral.tcb_info);
  });
});

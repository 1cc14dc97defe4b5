import 'reflect-metadata';
import { X509Certificate as NodeX509, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAmdSp } from '#firmware-sim/tee/amd-sp.js';
import { ConfigfsTsmProvider } from '#drivers/tee/configfs-tsm.js';
import { CERT_GUID, encodeCertTable } from '#drivers/tee/cert-table.js';
import { FakeTsmFs } from '../../drivers/tee/fake-devices.js';
import { fixturesDir, haveFixtures } from '../../helpers/fixtures.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => 0x80 ^ i);
let sp: SimulatedAmdSp;
let report: Uint8Array;

/** The report's 72-byte little-endian R and S as a P1363 r‖s (§4 "Signature check"). */
function p1363(rep: Uint8Array): Buffer {
  const be = (off: number) => Buffer.from(rep.subarray(off, off + 48)).reverse();
  return Buffer.concat([be(0x2a0), be(0x2e8)]);
}

beforeAll(async () => {
  sp = await SimulatedAmdSp.create();
  report = await sp.report(rd);
});

describe('simulated SEV-SNP report v3: byte layout (tee-evidence-layouts.md §4)', () => {
  it('is 1,184 bytes, version 3, ECDSA P-384 (algo 1), REPORT_DATA at 0x50', () => {
    expect(report.length).toBe(0x4a0);
    const dv = new DataView(report.buffer, report.byteOffset);
    expect(dv.getUint32(0, true)).toBe(3);
    expect(dv.getUint32(0x34, true)).toBe(1);
    expect((dv.getBigUint64(0x08, true) >> 17n) & 1n).toBe(1n);
    expect([...report.subarray(0x50, 0x90)]).toEqual([...rd]);
    expect([...report.subarray(0x180, 0x188)]).toEqual([4, 0, 0, 0, 0, 0, 24, 219]);
    expect([...report.subarray(0x188, 0x18b)]).toEqual([0x19, 0x01, 0x01]);
    expect(report.subarray(0x2a0 + 48, 0x2a0 + 72).every((b) => b === 0)).toBe(true);
    expect(report.subarray(0x330).every((b) => b === 0)).toBe(true);
  });

  it('the VCEK hwID extension equals CHIP_ID and the SPL extensions equal REPORTED_TCB', () => {
    const vcek = new X509Certificate(sp.vcek.cert.rawData);
    const ext = (o: string) =>
      new Uint8Array(vcek.extensions.find((e) => e.type === `1.3.6.1.4.1.3704.1.${o}`)?.value ?? []);
    expect(Buffer.from(ext('4')).equals(Buffer.from(report.subarray(0x1a0, 0x1e0)))).toBe(true);
    expect([...ext('3.1')]).toEqual([2, 1, 4]);
    expect([...ext('3.3')]).toEqual([2, 1, 24]);
    expect([...ext('3.8')]).toEqual([2, 2, 0, 219]);
    expect(Buffer.from(ext('2')).toString('latin1')).toContain('Milan-B0');
  });

  it.skipIf(!haveFixtures('tee/snp'))(
    'uses the same extension set and encodings as a real Milan VCEK',
    () => {
      const real = new X509Certificate(
        readFileSync(join(fixturesDir, 'tee/snp/trustee-az-milan-v3/vek.der')),
      );
      const ours = new X509Certificate(sp.vcek.cert.rawData);
      const amd = (c: X509Certificate) =>
        c.extensions.filter((e) => e.type.startsWith('1.3.6.1.4.1.3704.1.'));
      // INTEGER / IA5String tags for the TCB fields, raw 64 bytes (no wrapper) for hwID.
      const shape = (c: X509Certificate) =>
        amd(c)
          .map((e) => [e.type, e.type.endsWith('.4') ? e.value.byteLength : new Uint8Array(e.value)[0]])
          .sort();
      const realShape = shape(real);
      expect(shape(ours).filter(([t]) => realShape.some(([r]) => r === t))).toEqual(realShape);
      const realReport = readFileSync(join(fixturesDir, 'tee/snp/trustee-az-milan-v3/report.bin'));
      expect(realReport.readUInt32LE(0)).toBe(report.length === 0x4a0 ? 3 : -1);
      expect(realReport.readUInt32LE(0x34)).toBe(
        new DataView(report.buffer, report.byteOffset).getUint32(0x34, true),
      );
    },
  );
});

describe('simulated SEV-SNP signatures, checked with independent node:crypto code', () => {
  it('the report signature over 0x000–0x29F verifies under the VCEK; a flipped byte fails', () => {
    const vcek = new NodeX509(Buffer.from(sp.vcek.cert.rawData));
    const ok = (rep: Uint8Array) =>
      verify(
        'sha384',
        rep.subarray(0, 0x2a0),
        { key: vcek.publicKey, dsaEncoding: 'ieee-p1363' },
        p1363(rep),
      );
    expect(ok(report)).toBe(true);
    const t = report.slice();
    t[0x180] = (t[0x180] as number) ^ 1;
    expect(ok(t)).toBe(false);
  });

  it('VCEK → ASK → ARK verify (RSASSA-PSS SHA-384), the ARK is self-signed and TEST-ONLY', async () => {
    const ev = await sp.getEvidence(rd);
    expect(ev).toMatchObject({ tee: 'sev-snp', simulated: true, source: 'simulator' });
    const chain = ev.vekChain;
    if (chain?.ask === undefined || chain.ark === undefined) throw new Error('chain missing');
    const [vek, ask, ark] = [chain.vek, chain.ask, chain.ark].map((d) => new NodeX509(Buffer.from(d))) as [
      NodeX509,
      NodeX509,
      NodeX509,
    ];
    expect(vek.verify(ask.publicKey)).toBe(true);
    expect(ask.verify(ark.publicKey)).toBe(true);
    expect(ark.verify(ark.publicKey)).toBe(true);
    expect(ark.subject).toMatch(/TEST-ONLY/);
    expect(Buffer.from(sp.trustAnchors.ark.der).equals(ark.raw)).toBe(true);
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    "AMD's real Milan ARK and ASK did not sign the simulated chain",
    () => {
      const realArk = new NodeX509(readFileSync(join(fixturesDir, 'tee/trust-anchors/amd/milan_ark.pem')));
      const realAsk = new NodeX509(readFileSync(join(fixturesDir, 'tee/trust-anchors/amd/milan_ask.pem')));
      const ask = new NodeX509(Buffer.from(sp.roots.ask.cert.rawData));
      const vcek = new NodeX509(Buffer.from(sp.vcek.cert.rawData));
      expect(vcek.verify(realAsk.publicKey)).toBe(false);
      expect(ask.verify(realArk.publicKey)).toBe(false);
    },
  );

  it('rejects report data that is not 64 bytes', async () => {
    await expect(sp.report(new Uint8Array(65))).rejects.toMatchObject({ code: 'TEE_REPORT_DATA_INVALID' });
  });
});

describe('configfs-tsm driver fed by the simulated AMD-SP (driver and simulator agree on formats)', () => {
  it('returns the report and rebuilds the VEK chain from the auxblob certificate table', async () => {
    const ev = await sp.getEvidence(rd);
    const chain = ev.vekChain;
    if (chain?.ask === undefined || chain.ark === undefined) throw new Error('chain missing');
    const aux = encodeCertTable([
      { guid: CERT_GUID.vcek, data: chain.vek },
      { guid: CERT_GUID.ask, data: chain.ask },
      { guid: CERT_GUID.ark, data: chain.ark },
    ]);
    const fs = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: ev.report, auxblob: aux }));
    const got = await new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs }).getEvidence(rd);
    if (got.tee !== 'sev-snp') throw new Error('wrong tee');
    expect(got.simulated).toBe(false);
    expect(Buffer.from(got.report).equals(Buffer.from(ev.report))).toBe(true);
    expect(Buffer.from(got.vekChain?.vek ?? []).equals(Buffer.from(chain.vek))).toBe(true);
    expect(Buffer.from(got.vekChain?.ark ?? []).equals(Buffer.from(chain.ark))).toBe(true);
  });
});

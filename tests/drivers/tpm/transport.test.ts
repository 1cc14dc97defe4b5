import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TPM_ALG, TPM_CAP, TPM_PT } from '#attestation/tpm/constants.js';
import { DeviceTransport } from '#drivers/tpm/device-transport.js';
import { openTpmTransport, parseTpmLocation } from '#drivers/tpm/open.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { probeTpm } from '#drivers/tpm/probe.js';
import { DEFAULT_SEAL_PCRS, sealSeeds, unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

describe('TPM locations', () => {
  it('parses the three kinds and rejects others', () => {
    expect(parseTpmLocation('swtpm:127.0.0.1:2321')).toEqual({
      kind: 'socket',
      target: { host: '127.0.0.1', port: 2321 },
    });
    expect(parseTpmLocation('unix:/tmp/x.sock')).toEqual({ kind: 'socket', target: { path: '/tmp/x.sock' } });
    expect(parseTpmLocation('/dev/tpmrm0')).toEqual({ kind: 'device', path: '/dev/tpmrm0' });
    expect(() => parseTpmLocation('tcp:1')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parseTpmLocation('swtpm:host:99999')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('says "not present" cleanly for an absent device and a closed port', async () => {
    await expect(DeviceTransport.open('/dev/aegis-no-such-tpm')).rejects.toMatchObject({
      code: 'TPM_NOT_PRESENT',
    });
    await expect(openTpmTransport('unix:/nonexistent/aegis.sock')).rejects.toMatchObject({
      code: 'TPM_NOT_PRESENT',
    });
  });
});

for (const kind of ['tcp', 'unix'] as const) {
  describe.skipIf(!haveSwtpm())(`swtpm over ${kind}`, () => {
    let sw: Swtpm;
    let tpm: Tpm2;
    beforeAll(async () => {
      sw = await startSwtpm(kind);
      const probe = await probeTpm(sw.spec); // before our long-lived client: swtpm serves one at a time
      expect(probe).toMatchObject({ present: true, simulated: true, manufacturer: 'IBM' });
      expect(probe.banks?.some((b) => b.hash === TPM_ALG.SHA256)).toBe(true);
      tpm = new Tpm2(await openTpmTransport(sw.spec));
    });
    afterAll(async () => {
      await tpm?.close();
      await sw?.stop();
    });

    it('runs Startup, GetRandom, GetCapability, PCR_Read, ReadClock', async () => {
      await tpm.startup(); // already started by swtpm: TPM_RC_INITIALIZE is tolerated
      const a = await tpm.getRandom(48);
      const b = await tpm.getRandom(48);
      expect(a.length).toBe(48);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
      const cap = await tpm.getCapability(TPM_CAP.TPM_PROPERTIES, TPM_PT.FAMILY_INDICATOR, 1);
      expect(cap.data.capability).toBe(TPM_CAP.TPM_PROPERTIES);
      if (cap.data.capability === TPM_CAP.TPM_PROPERTIES)
        expect(cap.data.properties[0]?.value).toBe(0x322e3000); // "2.0"
      const banks = await tpm.pcrBanks();
      expect(banks.some((x) => x.hash === TPM_ALG.SHA256 && x.pcrs.length === 24)).toBe(true);
      const pcrs = await tpm.pcrRead([{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }]);
      expect(pcrs.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const c1 = await tpm.readClock();
      const c2 = await tpm.readClock();
      expect(c2.clockInfo.clock >= c1.clockInfo.clock).toBe(true);
      expect(c1.clockInfo.safe).toBe(true);
    });

    it('seals and unseals over this transport', async () => {
      const seeds = new Uint8Array(64).map((_, i) => i);
      const { blob } = await sealSeeds(tpm, seeds, { pcrs: [...DEFAULT_SEAL_PCRS] });
      expect(Array.from(await unsealSeeds(tpm, blob))).toEqual(Array.from(seeds));
    });

    it('maps a bad handle to a named error', async () => {
      await expect(tpm.readPublic(0x81000001)).rejects.toMatchObject({
        code: 'TPM_RC_HANDLE',
        detail: expect.objectContaining({ tpm_rc: '0x18b' }),
      });
    });
  });
}

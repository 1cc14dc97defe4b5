import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TPM_ALG, TPM_SE } from '#attestation/tpm/constants.js';
import { policyPcrDigest } from '#attestation/tpm/pcr-values.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { parseSealedBlob } from '#drivers/tpm/sealed-blob.js';
import { sealSeeds, unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

describe.skipIf(!haveSwtpm())('sealed seeds against swtpm', () => {
  let sw: Swtpm;
  let tpm: Tpm2;
  const pcrs = [{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 7] }];
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    tpm = new Tpm2(await openTpmTransport(sw.spec));
  });
  afterAll(async () => {
    await tpm?.close();
    await sw?.stop();
  });

  it('the TPM trial-session policy equals our offline PolicyPCR digest (and the known tpm2-tools value)', async () => {
    const sel = [{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3] }];
    const s = await tpm.startAuthSession(TPM_SE.TRIAL);
    await tpm.policyPCR(s.sessionHandle, sel);
    const fromTpm = await tpm.policyGetDigest(s.sessionHandle);
    await tpm.flushContext(s.sessionHandle);
    const values = await tpm.pcrRead(sel);
    expect(Buffer.from(policyPcrDigest(TPM_ALG.SHA256, sel, values)).toString('hex')).toBe(
      Buffer.from(fromTpm).toString('hex'),
    );
    // reference/hardware-interfaces.md §9: tpm2_createpolicy --policy-pcr -l sha256:0,1,2,3 over zero PCRs.
    expect(Buffer.from(fromTpm).toString('hex')).toBe(
      '84b506c91f205e06abd6f83f269d8d8011d495e09214a40fe32b4660301dda09',
    );
  });

  it('seal → unseal returns the seeds; the blob holds no clear seed; PCR extend → TPM_RC_POLICY_FAIL', async () => {
    const seeds = new Uint8Array(randomBytes(64));
    const { blob } = await sealSeeds(tpm, seeds, { pcrs });
    expect(Buffer.from(blob).includes(Buffer.from(seeds.subarray(0, 16)))).toBe(false);
    expect(Buffer.from(blob).includes(Buffer.from(seeds.subarray(32, 48)))).toBe(false);
    const parsed = parseSealedBlob(blob);
    expect(parsed.pcrs).toEqual(pcrs);

    expect(Buffer.from(await unsealSeeds(tpm, blob)).equals(Buffer.from(seeds))).toBe(true);
    // twice: no handles leak (swtpm has no resource manager; 3 leaked objects would exhaust it)
    for (let i = 0; i < 4; i++) expect((await unsealSeeds(tpm, blob)).length).toBe(64);

    await tpm.pcrExtend(7, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(1) }]);
    const err = await unsealSeeds(tpm, blob).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'TPM_RC_POLICY_FAIL',
      detail: expect.objectContaining({ tpm_rc: '0x99d' }),
    });
    expect(String((err as Error).message)).toMatch(/re-seal|rotate/);
    // a PCR outside the policy does not matter
    await tpm.pcrExtend(10, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(2) }]);
    const { blob: blob2 } = await sealSeeds(tpm, seeds, { pcrs });
    await tpm.pcrExtend(11, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(3) }]);
    expect((await unsealSeeds(tpm, blob2)).length).toBe(64);
  });

  it('the seeds never cross the TPM interface in clear, sealing or unsealing (salted sessions, parameter encryption)', async () => {
    const seeds = new Uint8Array(randomBytes(64));
    const wire: Uint8Array[] = [];
    const inner = tpm.transport;
    const spy = new Tpm2({
      description: 'recording',
      simulated: true,
      send: async (c) => {
        const r = await inner.send(c);
        wire.push(c, r);
        return r;
      },
      close: async () => undefined,
    });
    const { blob } = await sealSeeds(spy, seeds, { pcrs });
    expect(Buffer.from(await unsealSeeds(spy, blob)).equals(Buffer.from(seeds))).toBe(true);
    const all = Buffer.concat(wire);
    expect(wire.length).toBeGreaterThan(10);
    for (let o = 0; o < 64; o += 8) expect(all.includes(Buffer.from(seeds.subarray(o, o + 8)))).toBe(false);
  });

  it('detects a tampered Unseal response by its session HMAC', async () => {
    const { blob } = await sealSeeds(tpm, new Uint8Array(64).fill(5), { pcrs });
    const inner = tpm.transport;
    const tamper = new Tpm2({
      description: 'tampering',
      simulated: true,
      send: async (c) => {
        const r = await inner.send(c);
        const isUnseal = Buffer.from(c.subarray(6, 10)).readUInt32BE(0) === 0x15e;
        if (isUnseal && r.length > 20) r[16] = (r[16] as number) ^ 0x01; // first byte of encrypted outData
        return r;
      },
      close: async () => undefined,
    });
    await expect(unsealSeeds(tamper, blob)).rejects.toMatchObject({ code: 'TPM_RESPONSE_HMAC_INVALID' });
    expect((await unsealSeeds(tpm, blob)).every((b) => b === 5)).toBe(true);
  });

  it('rejects bad input with codes', async () => {
    await expect(sealSeeds(tpm, new Uint8Array(32), { pcrs })).rejects.toMatchObject({
      code: 'TPM_SEAL_INPUT_INVALID',
    });
    await expect(unsealSeeds(tpm, new Uint8Array(20))).rejects.toMatchObject({
      code: 'TPM_SEALED_BLOB_INVALID',
    });
    const { blob } = await sealSeeds(tpm, new Uint8Array(64).fill(9), {
      pcrs: [{ hash: TPM_ALG.SHA256, pcrs: [1] }],
    });
    const truncated = blob.subarray(0, blob.length - 3);
    await expect(unsealSeeds(tpm, truncated)).rejects.toMatchObject({ code: 'TPM_SEALED_BLOB_INVALID' });
    const tampered = new Uint8Array(blob);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0xff; // inside outPrivate
    await expect(unsealSeeds(tpm, tampered)).rejects.toMatchObject({
      code: expect.stringMatching(/^TPM_RC_/),
    });
    expect((await unsealSeeds(tpm, blob)).every((b) => b === 9)).toBe(true);
  });
});

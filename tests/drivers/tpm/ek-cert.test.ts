import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EK_CERT_NV_INDEX } from '#attestation/tpm/constants.js';
import { makeCredential } from '#attestation/tpm/credential.js';
import { verifyEkCertificate } from '#attestation/tpm/ek-cert.js';
import { activateCredential, createEk } from '#drivers/tpm/credential-flow.js';
import { readEkCertificate } from '#drivers/tpm/ek-cert-flow.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { createAk } from '#drivers/tpm/quote-flow.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

const pemToDer = (pem: string): Uint8Array =>
  new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

describe.skipIf(!haveSwtpm())('EK certificate (swtpm manufactured by swtpm_setup with a test CA)', () => {
  let sw: Swtpm;
  let tpm: Tpm2;
  let anchors: Uint8Array[];
  let intermediates: Uint8Array[];
  beforeAll(async () => {
    sw = await startSwtpm('tcp', { ekCert: true });
    tpm = new Tpm2(await openTpmTransport(sw.spec));
    const ca = sw.caDir as string;
    anchors = [pemToDer(readFileSync(join(ca, 'swtpm-localca-rootca-cert.pem'), 'utf8'))];
    intermediates = [pemToDer(readFileSync(join(ca, 'issuercert.pem'), 'utf8'))];
  });
  afterAll(async () => {
    await tpm?.close();
    await sw?.stop();
  });

  it('EK cert → EK → (credential activation) → AK: the chain an AK needs to be trusted', async () => {
    const der = await readEkCertificate(tpm, EK_CERT_NV_INDEX.RSA_2048);
    const ek = await createEk(tpm, 'rsa-2048');
    const ak = await createAk(tpm);
    try {
      const res = verifyEkCertificate(der, ek.public, { anchors, intermediates, at: new Date() });
      expect(res.chain).toHaveLength(3);
      const secret = new Uint8Array(randomBytes(32));
      const c = makeCredential(ek.public, ak.name, secret);
      expect(
        Array.from(await activateCredential(tpm, ak.handle, ek.handle, c.credentialBlob, c.secret)),
      ).toEqual(Array.from(secret));

      const eccEk = await createEk(tpm, 'ecc-p256');
      await tpm.flushContext(eccEk.handle);
      expect(() =>
        verifyEkCertificate(der, eccEk.public, { anchors, intermediates, at: new Date() }),
      ).toThrow(expect.objectContaining({ code: 'TPM_EK_CERT_KEY_MISMATCH' }));
      expect(() =>
        verifyEkCertificate(der, ek.public, { anchors: intermediates, at: new Date() }),
      ).not.toThrow();
      expect(() =>
        verifyEkCertificate(der, ek.public, { anchors: [], intermediates, at: new Date() }),
      ).toThrow(expect.objectContaining({ code: 'TPM_EK_CERT_UNTRUSTED' }));
      expect(() =>
        verifyEkCertificate(der, ek.public, { anchors, intermediates, at: new Date('1990-01-01T00:00:00Z') }),
      ).toThrow(expect.objectContaining({ code: 'TPM_EK_CERT_UNTRUSTED' }));
      expect(() => verifyEkCertificate(der.subarray(0, 100), ek.public, { anchors, at: new Date() })).toThrow(
        expect.objectContaining({ code: 'TPM_EK_CERT_INVALID' }),
      );
    } finally {
      await tpm.flushQuietly(ek.handle);
      await tpm.flushQuietly(ak.handle);
    }
  });

  it('an index without a certificate gives a TPM code', async () => {
    await expect(readEkCertificate(tpm, EK_CERT_NV_INDEX.ECC_P256)).rejects.toMatchObject({
      code: expect.stringMatching(/^TPM_RC_/),
    });
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policySecret } from '#attestation/tpm/commands/credential.js';
import { TPM_RH, TPM_SE } from '#attestation/tpm/constants.js';
import { makeCredential } from '#attestation/tpm/credential.js';
import { EK_POLICY_A_SHA256 } from '#attestation/tpm/templates.js';
import { activateCredential, createEk } from '#drivers/tpm/credential-flow.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { createAk } from '#drivers/tpm/quote-flow.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

describe.skipIf(!haveSwtpm())('credential activation: the AK lives beside the EK', () => {
  let sw: Swtpm;
  let tpm: Tpm2;
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    tpm = new Tpm2(await openTpmTransport(sw.spec));
  });
  afterAll(async () => {
    await tpm?.close();
    await sw?.stop();
  });

  it('the EK policy constant is PolicySecret(TPM_RH_ENDORSEMENT) as the TPM computes it', async () => {
    const s = await tpm.startAuthSession(TPM_SE.TRIAL);
    await tpm.run(policySecret(TPM_RH.ENDORSEMENT, s.sessionHandle));
    expect(
      Buffer.from(await tpm.policyGetDigest(s.sessionHandle)).equals(Buffer.from(EK_POLICY_A_SHA256)),
    ).toBe(true);
    await tpm.flushContext(s.sessionHandle);
  });

  it('a credential made in software for (EK, AK Name) is released by the TPM; for another Name it is not', async () => {
    const ek = await createEk(tpm);
    const ak = await createAk(tpm);
    const other = await createAk(tpm, 'rsa-2048');
    try {
      const secret = new Uint8Array(randomBytes(32));
      const c = makeCredential(ek.public, ak.name, secret);
      expect(
        Buffer.from(await activateCredential(tpm, ak.handle, ek.handle, c.credentialBlob, c.secret)).equals(
          Buffer.from(secret),
        ),
      ).toBe(true);
      const wrong = makeCredential(ek.public, other.name, secret);
      await expect(
        activateCredential(tpm, ak.handle, ek.handle, wrong.credentialBlob, wrong.secret),
      ).rejects.toMatchObject({
        code: 'TPM_RC_INTEGRITY',
      });
    } finally {
      for (const h of [ek.handle, ak.handle, other.handle]) await tpm.flushQuietly(h);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuoteAttest } from '#attestation/tpm/attest.js';
import { TPM_ALG, TPM_SU } from '#attestation/tpm/constants.js';
import { verifyQuote, type TpmQuote } from '#attestation/tpm/verify-quote.js';
import { openTpmTransport, parseTpmLocation, controlTarget } from '#drivers/tpm/open.js';
import { makeQuote } from '#drivers/tpm/quote-flow.js';
import { collectTpmEvidence } from '#drivers/tpm/evidence.js';
import { verifyTpmEvidence } from '#attestation/tpm/verify-evidence.js';
import { swtpmInit } from '#drivers/tpm/swtpm-ctrl.js';
import { shutdown } from '#attestation/tpm/commands/basic.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

const pcrs = [{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 7] }];

describe.skipIf(!haveSwtpm())('TPM quotes against swtpm, verified by attestation/tpm', () => {
  let sw: Swtpm;
  let tpm: Tpm2;
  let ecc: TpmQuote;
  let rsa: TpmQuote;
  const nonce = new Uint8Array(randomBytes(32));
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    tpm = new Tpm2(await openTpmTransport(sw.spec));
    await tpm.pcrExtend(7, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(0xa5) }]);
    ecc = await makeQuote(tpm, { pcrs, qualifyingData: nonce });
    rsa = await makeQuote(tpm, { pcrs, qualifyingData: nonce, akAlgorithm: 'rsa-2048' });
  });
  afterAll(async () => {
    await tpm?.close();
    await sw?.stop();
  });

  it('ECC P-256 and RSA-2048 AK quotes verify and carry the nonce and PCRs', () => {
    for (const q of [ecc, rsa]) {
      const v = verifyQuote(q, { qualifyingData: nonce, requiredPcrs: pcrs });
      expect(v.pcrs.map((p) => p.index)).toEqual([0, 1, 2, 3, 7]);
      expect(Buffer.from(v.attest.extraData).equals(Buffer.from(nonce))).toBe(true);
      expect(v.attest.clockInfo.safe).toBe(true);
    }
    expect(ecc.akPublic.type).toBe(TPM_ALG.ECC);
    expect(rsa.akPublic.type).toBe(TPM_ALG.RSA);
  });

  it('the AK is deterministic (endorsement-hierarchy primary)', async () => {
    const again = await makeQuote(tpm, { pcrs, qualifyingData: nonce });
    expect(again.akPublic).toEqual(ecc.akPublic);
  });

  it('collects bundle evidence that verifyTpmEvidence accepts with the pinned AK', async () => {
    const ev = await collectTpmEvidence(tpm, { pcrs, qualifyingData: nonce });
    expect(ev).toMatchObject({ simulated: true, description: expect.stringContaining('swtpm') });
    const akName = new Uint8Array(Buffer.from(ev.ak_name_hex, 'hex'));
    const v = verifyTpmEvidence(JSON.parse(JSON.stringify(ev.quote)), {
      qualifyingData: nonce,
      akName,
      requiredPcrs: pcrs,
    });
    expect(v.pcrs).toHaveLength(5);
  });

  it('rejects a wrong or stale nonce', () => {
    expect(() => verifyQuote(ecc, { qualifyingData: new Uint8Array(32) })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_NONCE_MISMATCH' }),
    );
  });

  it('rejects swapped keys', () => {
    expect(() => verifyQuote({ ...ecc, akPublic: rsa.akPublic }, { qualifyingData: nonce })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_SIGNATURE_INVALID' }),
    );
    expect(() => verifyQuote({ ...rsa, signature: ecc.signature }, { qualifyingData: nonce })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_SIGNATURE_INVALID' }),
    );
  });

  it('rejects altered PCR values and a tampered attest', () => {
    const altered = ecc.pcrValues.map((p) => (p.index === 7 ? { ...p, value: new Uint8Array(32) } : p));
    expect(() => verifyQuote({ ...ecc, pcrValues: altered }, { qualifyingData: nonce })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_PCR_DIGEST_MISMATCH' }),
    );
    const missing = ecc.pcrValues.filter((p) => p.index !== 3);
    expect(() => verifyQuote({ ...ecc, pcrValues: missing }, { qualifyingData: nonce })).toThrow(
      expect.objectContaining({ code: 'TPM_PCR_VALUES_MISSING' }),
    );
    const attest = new Uint8Array(ecc.attest);
    attest[attest.length - 1] = (attest[attest.length - 1] as number) ^ 1;
    expect(() => verifyQuote({ ...ecc, attest }, { qualifyingData: nonce })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_SIGNATURE_INVALID' }),
    );
    expect(() =>
      verifyQuote(ecc, { qualifyingData: nonce, requiredPcrs: [{ hash: TPM_ALG.SHA256, pcrs: [4] }] }),
    ).toThrow(expect.objectContaining({ code: 'TPM_QUOTE_PCR_SELECTION_MISMATCH' }));
  });

  it('rejects a replayed quote after a TPM reset (resetCount) and a re-presented one (clock)', async () => {
    const before = parseQuoteAttest(ecc.attest).clockInfo;
    expect(() => verifyQuote(ecc, { qualifyingData: nonce, previous: before })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
    const loc = parseTpmLocation(sw.spec);
    if (loc.kind !== 'socket') throw new Error('socket expected');
    await swtpmInit(controlTarget(loc.target)); // power cycle
    await tpm.startup(TPM_SU.CLEAR); // TPM Reset
    const nonce2 = new Uint8Array(randomBytes(32));
    const fresh = await makeQuote(tpm, { pcrs, qualifyingData: nonce2 });
    const after = parseQuoteAttest(fresh.attest).clockInfo;
    expect(after.resetCount).toBe(before.resetCount + 1);
    expect(verifyQuote(fresh, { qualifyingData: nonce2, previous: before }).attest.clockInfo.resetCount).toBe(
      after.resetCount,
    );
    expect(() => verifyQuote(ecc, { qualifyingData: nonce, previous: after })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
    // TPM Restart: Shutdown(STATE), power cycle, Startup(CLEAR) → restartCount goes up, resetCount stays
    await tpm.run(shutdown(TPM_SU.STATE));
    await swtpmInit(controlTarget(loc.target));
    await tpm.startup(TPM_SU.CLEAR);
    const restarted = await makeQuote(tpm, { pcrs, qualifyingData: nonce2 });
    const r = parseQuoteAttest(restarted.attest).clockInfo;
    expect(r.resetCount).toBe(after.resetCount);
    expect(r.restartCount).toBe(after.restartCount + 1);
    expect(() => verifyQuote(fresh, { qualifyingData: nonce2, previous: r })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
    expect(
      verifyQuote(restarted, { qualifyingData: nonce2, previous: after }).attest.clockInfo.restartCount,
    ).toBe(r.restartCount);
  });
});

import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { marshalQuoteAttest, parseQuoteAttest } from '#attestation/tpm/attest.js';
import { TPM_ALG, TPM_ECC_CURVE, TPMA_OBJECT } from '#attestation/tpm/constants.js';
import type { PcrValue } from '#attestation/tpm/pcr-values.js';
import { objectName, type EccPublic } from '#attestation/tpm/public.js';
import { quoteFromJson, quoteToJson } from '#attestation/tpm/quote-json.js';
import { marshalSignature } from '#attestation/tpm/signature.js';
import { akEccTemplate } from '#attestation/tpm/templates.js';
import { tpm2CheckquoteFiles } from '#attestation/tpm/tpm2-tools-files.js';
import { verifyQuote, type TpmQuote } from '#attestation/tpm/verify-quote.js';

/** A quote signed in software with the TPM's exact structures, so the verifier is tested without a TPM. */
function softQuote(opts: {
  nonce: Uint8Array;
  resetCount?: number;
  clock?: bigint;
  pcrs?: PcrValue[];
}): TpmQuote {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const akPublic: EccPublic = {
    ...akEccTemplate(),
    x: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')),
    y: new Uint8Array(Buffer.from(jwk.y as string, 'base64url')),
  };
  const pcrValues =
    opts.pcrs ??
    [0, 7].map((index) => ({ hash: TPM_ALG.SHA256, index, value: new Uint8Array(32).fill(index) }));
  const pcrDigest = new Uint8Array(
    createHash('sha256').update(pcrValues[0]!.value).update(pcrValues[1]!.value).digest(),
  );
  const attest = marshalQuoteAttest({
    qualifiedSigner: new Uint8Array(34),
    extraData: opts.nonce,
    clockInfo: { clock: opts.clock ?? 1000n, resetCount: opts.resetCount ?? 3, restartCount: 0, safe: true },
    firmwareVersion: 0x2019_0101n,
    pcrSelect: [{ hash: TPM_ALG.SHA256, pcrs: [0, 7] }],
    pcrDigest,
  });
  const p1363 = sign('sha256', attest, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const signature = marshalSignature({
    sigAlg: TPM_ALG.ECDSA,
    hash: TPM_ALG.SHA256,
    r: p1363.subarray(0, 32),
    s: p1363.subarray(32),
  });
  return { attest, signature, akPublic, pcrValues };
}

const nonce = new Uint8Array(32).fill(0x42);

describe('verifyQuote (pure)', () => {
  it('accepts a well-formed quote and reports its fields', () => {
    const q = softQuote({ nonce });
    const v = verifyQuote(q, { qualifyingData: nonce, requiredPcrs: [{ hash: TPM_ALG.SHA256, pcrs: [7] }] });
    expect(v.attest.clockInfo.resetCount).toBe(3);
    expect(v.pcrs.map((p) => p.index)).toEqual([0, 7]);
  });

  it('rejects each kind of tampering with its own code', () => {
    const q = softQuote({ nonce });
    const other = softQuote({ nonce });
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'OK';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => verifyQuote(q, { qualifyingData: new Uint8Array(32) }))).toBe(
      'TPM_QUOTE_NONCE_MISMATCH',
    );
    expect(code(() => verifyQuote(q, { qualifyingData: nonce, akName: objectName(other.akPublic) }))).toBe(
      'TPM_AK_NOT_TRUSTED',
    );
    expect(code(() => verifyQuote(q, { qualifyingData: nonce, akName: objectName(q.akPublic) }))).toBe('OK');
    expect(code(() => verifyQuote({ ...q, akPublic: other.akPublic }, { qualifyingData: nonce }))).toBe(
      'TPM_QUOTE_SIGNATURE_INVALID',
    );
    expect(code(() => verifyQuote({ ...q, signature: other.signature }, { qualifyingData: nonce }))).toBe(
      'TPM_QUOTE_SIGNATURE_INVALID',
    );
    const altered = q.pcrValues.map((p) => ({
      ...p,
      value: p.index === 0 ? new Uint8Array(32).fill(9) : p.value,
    }));
    expect(code(() => verifyQuote({ ...q, pcrValues: altered }, { qualifyingData: nonce }))).toBe(
      'TPM_QUOTE_PCR_DIGEST_MISMATCH',
    );
    const bad = new Uint8Array(q.attest);
    bad[0] = 0;
    expect(code(() => verifyQuote({ ...q, attest: bad }, { qualifyingData: nonce }))).toBe(
      'TPM_ATTEST_MAGIC_INVALID',
    );
    const certify = new Uint8Array(q.attest);
    certify[5] = 0x17;
    expect(code(() => verifyQuote({ ...q, attest: certify }, { qualifyingData: nonce }))).toBe(
      'TPM_ATTEST_TYPE_INVALID',
    );
    expect(
      code(() => verifyQuote({ ...q, attest: q.attest.subarray(0, 40) }, { qualifyingData: nonce })),
    ).toBe('PARSE_TRUNCATED');
    const unrestricted = {
      ...q.akPublic,
      objectAttributes: q.akPublic.objectAttributes & ~TPMA_OBJECT.restricted,
    };
    expect(code(() => verifyQuote({ ...q, akPublic: unrestricted }, { qualifyingData: nonce }))).toBe(
      'TPM_AK_NOT_RESTRICTED',
    );
    const p384 = { ...(q.akPublic as EccPublic), curveID: TPM_ECC_CURVE.NIST_P384 };
    expect(code(() => verifyQuote({ ...q, akPublic: p384 }, { qualifyingData: nonce }))).not.toBe('OK');
  });

  it('orders quotes by resetCount, restartCount, clock for replay detection', () => {
    const q = softQuote({ nonce, resetCount: 3, clock: 5000n });
    const prev = (resetCount: number, restartCount: number, clock: bigint) => ({
      resetCount,
      restartCount,
      clock,
      safe: true,
    });
    expect(() => verifyQuote(q, { qualifyingData: nonce, previous: prev(3, 0, 4999n) })).not.toThrow();
    expect(() => verifyQuote(q, { qualifyingData: nonce, previous: prev(2, 9, 999999n) })).not.toThrow();
    expect(() => verifyQuote(q, { qualifyingData: nonce, previous: prev(3, 0, 5000n) })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
    expect(() => verifyQuote(q, { qualifyingData: nonce, previous: prev(4, 0, 1n) })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
    expect(() => verifyQuote(q, { qualifyingData: nonce, previous: prev(3, 1, 1n) })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_REPLAYED' }),
    );
  });
});

describe('quote JSON and tpm2_checkquote files', () => {
  it('round-trips through the bundle JSON form', () => {
    const q = softQuote({ nonce });
    const j = quoteToJson(q);
    expect(Object.keys(j.pcrs)).toEqual(['sha256']);
    expect(Object.keys(j.pcrs['sha256']!)).toEqual(['0', '7']);
    const back = quoteFromJson(JSON.parse(JSON.stringify(j)));
    expect(verifyQuote(back, { qualifyingData: nonce }).pcrs).toHaveLength(2);
  });

  it('rejects malformed JSON members with codes', () => {
    const j = quoteToJson(softQuote({ nonce }));
    expect(() => quoteFromJson(null)).toThrow(expect.objectContaining({ code: 'TPM_QUOTE_JSON_INVALID' }));
    expect(() => quoteFromJson({ ...j, quote_sig_b64: 5 })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_JSON_INVALID' }),
    );
    expect(() => quoteFromJson({ ...j, quote_attest_b64: '%%%' })).toThrow(
      expect.objectContaining({ code: 'ENCODING_INVALID' }),
    );
    expect(() => quoteFromJson({ ...j, pcrs: { md5: {} } })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_JSON_INVALID' }),
    );
    expect(() => quoteFromJson({ ...j, pcrs: { sha256: { '0': 'abcd' } } })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_JSON_INVALID' }),
    );
    expect(() => quoteFromJson({ ...j, pcrs: { sha256: { x: '00' } } })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_JSON_INVALID' }),
    );
  });

  it('writes the files and arguments tpm2_checkquote takes', () => {
    const q = softQuote({ nonce });
    const out = tpm2CheckquoteFiles(q);
    expect(Object.keys(out.files).sort()).toEqual([
      'ak.pem',
      'ak.pub',
      'checkquote.sh',
      'quote.msg',
      'quote.pcrs',
      'quote.sig',
    ]);
    expect(out.files['quote.pcrs']!.length).toBe(132 + 4 + 532);
    expect(new TextDecoder().decode(out.files['ak.pem'])).toContain('BEGIN PUBLIC KEY');
    expect(out.args).toEqual([
      '-u',
      'ak.pem',
      '-m',
      'quote.msg',
      '-s',
      'quote.sig',
      '-f',
      'quote.pcrs',
      '-g',
      'sha256',
      '-q',
      '42'.repeat(32),
    ]);
    expect(parseQuoteAttest(out.files['quote.msg']!).extraData).toEqual(nonce);
  });
});

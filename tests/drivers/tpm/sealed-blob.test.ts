import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAegisError } from '#core/errors.js';
import { TPM_ALG, TPM_RH } from '#attestation/tpm/constants.js';
import { marshalPublic } from '#attestation/tpm/public.js';
import { sealedDataTemplate } from '#attestation/tpm/templates.js';
import { marshalSealedBlob, parseSealedBlob } from '#drivers/tpm/sealed-blob.js';

const policy = new Uint8Array(32).fill(3);
const blob = {
  hierarchy: TPM_RH.OWNER,
  parentName: new Uint8Array(34).fill(1),
  pcrs: [{ hash: TPM_ALG.SHA256, pcrs: [0, 2, 7] }],
  policyDigest: policy,
  outPublic: marshalPublic(sealedDataTemplate(policy)),
  outPrivate: new Uint8Array(80).fill(9),
};

describe('keys/*.sealed format v1', () => {
  it('round-trips and starts with the magic and version', () => {
    const b = marshalSealedBlob(blob);
    expect(Buffer.from(b.subarray(0, 10)).toString('hex')).toBe(
      Buffer.from('AEGISTPM').toString('hex') + '0001',
    );
    expect(parseSealedBlob(b)).toEqual(blob);
  });

  it('rejects a policy digest that differs from the object authPolicy, other versions and any garbage', () => {
    expect(() => parseSealedBlob(marshalSealedBlob({ ...blob, policyDigest: new Uint8Array(32) }))).toThrow(
      expect.objectContaining({ code: 'TPM_SEALED_BLOB_INVALID' }),
    );
    const v2 = marshalSealedBlob(blob);
    v2[9] = 2;
    expect(() => parseSealedBlob(v2)).toThrow(expect.objectContaining({ code: 'TPM_SEALED_BLOB_INVALID' }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          parseSealedBlob(b);
        } catch (e) {
          expect(isAegisError(e, 'TPM_SEALED_BLOB_INVALID')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

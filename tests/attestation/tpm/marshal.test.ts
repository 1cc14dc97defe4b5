import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '#core/bytes.js';
import { decodeResponse } from '#attestation/tpm/command.js';
import { getRandom, parseGetRandom, startup } from '#attestation/tpm/commands/basic.js';
import { TPM_ALG, TPM_SU } from '#attestation/tpm/constants.js';
import { getPcrSelection, marshalPcrSelection, parsePcrSpec } from '#attestation/tpm/marshal.js';
import { policyPcrDigest } from '#attestation/tpm/pcr-values.js';
import {
  marshalPublic,
  objectName,
  parsePublic,
  parsePublic2b,
  marshalPublic2b,
} from '#attestation/tpm/public.js';
import { akEccTemplate, akRsaTemplate, sealedDataTemplate, srkTemplate } from '#attestation/tpm/templates.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

describe('command framing (Part 1 §18)', () => {
  it('encodes GetRandom and Startup byte-exactly (reference/hardware-interfaces.md §9)', () => {
    expect(hex(getRandom(16).bytes)).toBe('80010000000c0000017b0010');
    expect(hex(startup(TPM_SU.CLEAR).bytes)).toBe('80010000000c000001440000');
  });

  it('decodes a real swtpm GetRandom response and error responses', () => {
    const cmd = getRandom(16);
    const r = decodeResponse(cmd, unhex('80010000001c0000000000109c9d8eff0370e32cb4c1168c40e5e794'));
    expect(hex(parseGetRandom(r))).toBe('9c9d8eff0370e32cb4c1168c40e5e794');
    expect(() => decodeResponse(cmd, unhex('80010000000a00000101'))).toThrow(
      expect.objectContaining({ code: 'TPM_RC_FAILURE' }),
    );
    expect(() => decodeResponse(cmd, unhex('80010000000b00000000'))).toThrow(
      expect.objectContaining({ code: 'TPM_RESPONSE_MALFORMED' }),
    );
    expect(() => decodeResponse(cmd, unhex('8001'))).toThrow(
      expect.objectContaining({ code: 'TPM_RESPONSE_MALFORMED' }),
    );
    const truncated = decodeResponse(cmd, unhex('80010000000c000000000010'));
    expect(() => parseGetRandom(truncated)).toThrow(expect.objectContaining({ code: 'PARSE_TRUNCATED' }));
  });
});

describe('TPML_PCR_SELECTION', () => {
  it('uses a 3-byte bitmap and round-trips', () => {
    const b = marshalPcrSelection([{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3] }]);
    expect(hex(b)).toBe('00000001000b030f0000');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1 }), (pcrs) => {
        const sel = [{ hash: TPM_ALG.SHA1, pcrs: [...pcrs].sort((a, c) => a - c) }];
        expect(getPcrSelection(new ByteReader(marshalPcrSelection(sel)))).toEqual(sel);
      }),
    );
  });

  it('parses tpm2-tools style specs', () => {
    expect(parsePcrSpec('sha256:7,0,3')).toEqual([{ hash: TPM_ALG.SHA256, pcrs: [0, 3, 7] }]);
    expect(parsePcrSpec('sha1:0+sha256:1')).toHaveLength(2);
    expect(() => parsePcrSpec('md5:0')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => parsePcrSpec('sha256:24')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('TPMT_PUBLIC', () => {
  it('templates round-trip through marshal/parse', () => {
    for (const t of [
      srkTemplate(),
      akEccTemplate(),
      akRsaTemplate(),
      sealedDataTemplate(new Uint8Array(32).fill(1)),
    ]) {
      expect(parsePublic(marshalPublic(t))).toEqual(t);
      expect(parsePublic2b(marshalPublic2b(t))).toEqual(t);
      expect(objectName(t).length).toBe(34);
    }
  });

  it('rejects trailing bytes and unknown types', () => {
    expect(() => parsePublic(new Uint8Array([...marshalPublic(srkTemplate()), 0]))).toThrow(
      expect.objectContaining({ code: 'TPM_MARSHAL_INVALID' }),
    );
    expect(() => parsePublic(unhex('0025000b000000000000'))).toThrow(
      expect.objectContaining({ code: 'TPM_ALG_UNSUPPORTED' }),
    );
    expect(() => parsePublic(unhex('0023000b'))).toThrow(
      expect.objectContaining({ code: 'PARSE_TRUNCATED' }),
    );
  });
});

describe('PolicyPCR digest (Part 3 §23.7)', () => {
  it('matches tpm2_createpolicy for sha256:0,1,2,3 at zero', () => {
    const sel = [{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3] }];
    const values = [0, 1, 2, 3].map((index) => ({ hash: TPM_ALG.SHA256, index, value: new Uint8Array(32) }));
    expect(hex(policyPcrDigest(TPM_ALG.SHA256, sel, values))).toBe(
      '84b506c91f205e06abd6f83f269d8d8011d495e09214a40fe32b4660301dda09',
    );
    expect(() => policyPcrDigest(TPM_ALG.SHA256, sel, values.slice(1))).toThrow(
      expect.objectContaining({ code: 'TPM_PCR_VALUES_MISSING' }),
    );
  });
});

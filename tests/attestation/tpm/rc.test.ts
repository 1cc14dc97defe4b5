import { describe, expect, it } from 'vitest';
import { decodeRc, tpmRcError } from '#attestation/tpm/rc.js';

describe('TPM_RC decoding (Part 2 §6.6)', () => {
  it('decodes format-one codes with their session, handle or parameter', () => {
    expect(decodeRc(0x99d)).toMatchObject({ name: 'TPM_RC_POLICY_FAIL', session: 1, warning: false });
    expect(decodeRc(0x18b)).toMatchObject({ name: 'TPM_RC_HANDLE', handle: 1 });
    expect(decodeRc(0x2c4)).toMatchObject({ name: 'TPM_RC_VALUE', parameter: 2 });
    expect(decodeRc(0x08e)).toMatchObject({ name: 'TPM_RC_AUTH_FAIL' });
    expect(decodeRc(0x98e)).toMatchObject({ name: 'TPM_RC_AUTH_FAIL', session: 1 });
  });

  it('decodes format-zero errors and warnings', () => {
    expect(decodeRc(0x100).name).toBe('TPM_RC_INITIALIZE');
    expect(decodeRc(0x101).name).toBe('TPM_RC_FAILURE');
    expect(decodeRc(0x128).name).toBe('TPM_RC_PCR_CHANGED');
    expect(decodeRc(0x902)).toMatchObject({ name: 'TPM_RC_OBJECT_MEMORY', warning: true });
    expect(decodeRc(0x922)).toMatchObject({ name: 'TPM_RC_RETRY', warning: true });
    expect(decodeRc(0).name).toBe('TPM_RC_SUCCESS');
    expect(decodeRc(0x17f).name).toBe('TPM_RC_0x17f');
  });

  it('maps to Aegis codes: known names pass through, others become TPM_RC_ERROR', () => {
    const e = tpmRcError(0x99d, 'Unseal');
    expect(e.code).toBe('TPM_RC_POLICY_FAIL');
    expect(e.detail).toMatchObject({ tpm_rc: '0x99d', tpm_rc_name: 'TPM_RC_POLICY_FAIL', command: 'Unseal' });
    expect(e.message).toContain('session 1');
    const other = tpmRcError(0x0a6, 'CreatePrimary');
    expect(other.code).toBe('TPM_RC_ERROR');
    expect(other.detail).toMatchObject({ tpm_rc_name: 'TPM_RC_CURVE' });
  });
});

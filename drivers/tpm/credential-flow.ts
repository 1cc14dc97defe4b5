import { policyAuth } from '#attestation/tpm/command.js';
import { TPM_RH, TPM_SE } from '#attestation/tpm/constants.js';
import {
  activateCredential as activateCmd,
  parseActivateCredential,
  policySecret,
} from '#attestation/tpm/commands/credential.js';
import type { TpmtPublic } from '#attestation/tpm/public.js';
import { ekEccTemplate, ekRsaTemplate } from '#attestation/tpm/templates.js';
import type { Tpm2 } from './tpm2.js';

export interface LoadedEk {
  handle: number;
  public: TpmtPublic;
  name: Uint8Array;
}

/**
 * Re-creates the endorsement key from the standard TCG template (ECC P-256 "L-2", as tpm2_createek -G ecc makes it,
 * or RSA 2048 "L-1"); the EK certificate in NV certifies the key these templates produce.
 */
export async function createEk(tpm: Tpm2, alg: 'ecc-p256' | 'rsa-2048' = 'ecc-p256'): Promise<LoadedEk> {
  const r = await tpm.createPrimary(
    TPM_RH.ENDORSEMENT,
    alg === 'ecc-p256' ? ekEccTemplate() : ekRsaTemplate(),
  );
  return { handle: r.objectHandle, public: r.outPublic, name: r.name };
}

/**
 * The attester's half of credential activation (TCG Part 1 §24): the TPM releases the credential a verifier made
 * with makeCredential(EK public, AK Name, …) only if this EK is its own and the AK is loaded beside it, which
 * proves to the verifier that the AK lives in the TPM that owns the EK. The EK is used through a policy session
 * satisfying its policy A, PolicySecret(TPM_RH_ENDORSEMENT).
 */
export async function activateCredential(
  tpm: Tpm2,
  akHandle: number,
  ekHandle: number,
  credentialBlob: Uint8Array,
  secret: Uint8Array,
): Promise<Uint8Array> {
  const s = await tpm.startAuthSession(TPM_SE.POLICY);
  try {
    await tpm.run(policySecret(TPM_RH.ENDORSEMENT, s.sessionHandle));
    return parseActivateCredential(
      await tpm.run(activateCmd(akHandle, ekHandle, policyAuth(s.sessionHandle), credentialBlob, secret)),
    );
  } finally {
    await tpm.flushQuietly(s.sessionHandle);
  }
}

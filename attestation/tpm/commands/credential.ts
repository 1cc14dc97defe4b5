import { ByteWriter } from '#core/bytes.js';
import {
  type AuthCommand,
  EMPTY_PASSWORD,
  encodeCommand,
  expectEnd,
  paramReader,
  type TpmCommand,
  type TpmResponse,
} from '../command.js';
import { TPM_CC } from '../constants.js';
import { getTpm2b, putTpm2b } from '../marshal.js';

/**
 * TPM2_PolicySecret (Part 3 §23.4) with an empty-password authorization of `authHandle` (e.g. TPM_RH_ENDORSEMENT),
 * no nonce, cpHash, policyRef or expiration: extends the session with PolicySecret(authHandle).
 */
export function policySecret(authHandle: number, policySession: number): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, new Uint8Array(0)); // nonceTPM
  putTpm2b(w, new Uint8Array(0)); // cpHashA
  putTpm2b(w, new Uint8Array(0)); // policyRef
  w.u32be(0); // expiration
  return encodeCommand(TPM_CC.PolicySecret, [authHandle, policySession], [EMPTY_PASSWORD], w.finish());
}

/**
 * TPM2_ActivateCredential (Part 3 §12.5): activateHandle (the AK, ADMIN role: its empty password) and keyHandle
 * (the EK, USER role: `ekAuth`, a policy session satisfying the EK policy). Returns the credential only if the
 * credential was made for this AK's Name and this EK.
 */
export function activateCredential(
  activateHandle: number,
  keyHandle: number,
  ekAuth: AuthCommand,
  credentialBlob: Uint8Array,
  secret: Uint8Array,
): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, credentialBlob);
  putTpm2b(w, secret);
  return encodeCommand(
    TPM_CC.ActivateCredential,
    [activateHandle, keyHandle],
    [EMPTY_PASSWORD, ekAuth],
    w.finish(),
  );
}

export function parseActivateCredential(resp: TpmResponse): Uint8Array {
  const r = paramReader(resp, 'ActivateCredential');
  const certInfo = getTpm2b(r, 'certInfo');
  expectEnd(r, 'ActivateCredential');
  return certInfo;
}

import { ByteWriter } from '#core/bytes.js';
import { encodeCommand, expectEnd, paramReader, type TpmCommand, type TpmResponse } from '../command.js';
import { TPM_ALG, TPM_CC, TPM_RH } from '../constants.js';
import { getTpm2b, putPcrSelection, putTpm2b, type PcrSelection } from '../marshal.js';

/**
 * TPM2_StartAuthSession (Part 3 §11.1), bind = TPM_RH_NULL. Unsalted (tpmKey = TPM_RH_NULL, symmetric =
 * TPM_ALG_NULL): a policy session that needs no HMAC (Part 1 §19.6.13), enough for PolicyPCR-gated unsealing.
 * Salted: see SaltedSessionOptions; adds AES-CFB parameter encryption.
 */
export function startAuthSession(
  sessionType: number,
  nonceCaller: Uint8Array,
  authHash: number = TPM_ALG.SHA256,
  salted?: SaltedSessionOptions,
): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, nonceCaller);
  putTpm2b(w, salted?.encryptedSalt ?? new Uint8Array(0));
  w.u8(sessionType);
  if (salted === undefined) w.u16be(TPM_ALG.NULL);
  else w.u16be(TPM_ALG.AES).u16be(salted.aesKeyBits).u16be(TPM_ALG.CFB);
  w.u16be(authHash);
  return encodeCommand(
    TPM_CC.StartAuthSession,
    [salted?.tpmKey ?? TPM_RH.NULL, TPM_RH.NULL],
    [],
    w.finish(),
    1,
  );
}

/**
 * A salted session (Part 1 §19.6.11): `tpmKey` is a loaded decryption key (our SRK) and `encryptedSalt` the salt
 * protected for it (TPM2B_ENCRYPTED_SECRET contents); symmetric AES-CFB enables parameter encryption (Part 1 §21).
 */
export interface SaltedSessionOptions {
  tpmKey: number;
  encryptedSalt: Uint8Array;
  aesKeyBits: number;
}

export function parseStartAuthSession(resp: TpmResponse): { sessionHandle: number; nonceTPM: Uint8Array } {
  const r = paramReader(resp, 'StartAuthSession');
  const nonceTPM = getTpm2b(r, 'nonceTPM');
  expectEnd(r, 'StartAuthSession');
  return { sessionHandle: resp.handles[0] as number, nonceTPM };
}

/**
 * TPM2_PolicyPCR (Part 3 §23.7). With an empty pcrDigest the TPM uses the current PCR values; the check
 * against the object's authPolicy happens when the session is used (Unseal fails with TPM_RC_POLICY_FAIL).
 */
export function policyPCR(
  policySession: number,
  pcrs: readonly PcrSelection[],
  pcrDigest: Uint8Array = new Uint8Array(0),
): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, pcrDigest);
  putPcrSelection(w, pcrs);
  return encodeCommand(TPM_CC.PolicyPCR, [policySession], [], w.finish());
}

/** TPM2_PolicyGetDigest (Part 3 §23.19). */
export function policyGetDigest(policySession: number): TpmCommand {
  return encodeCommand(TPM_CC.PolicyGetDigest, [policySession], [], new Uint8Array(0));
}

export function parsePolicyGetDigest(resp: TpmResponse): Uint8Array {
  const r = paramReader(resp, 'PolicyGetDigest');
  const d = getTpm2b(r, 'policyDigest');
  expectEnd(r, 'PolicyGetDigest');
  return d;
}

import { randomBytes } from 'node:crypto';
import { bytesEqual, concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { EMPTY_PASSWORD, encodeCommand } from '#attestation/tpm/command.js';
import { TPM_ALG, TPM_CC, TPM_SE, TPMA_SESSION } from '#attestation/tpm/constants.js';
import {
  createParams,
  parseCreate,
  parseUnseal,
  unseal,
  type CreateResult,
} from '#attestation/tpm/commands/object.js';
import { parseStartAuthSession, startAuthSession } from '#attestation/tpm/commands/session.js';
import {
  commandHmac,
  decryptResponseParameter,
  eccSalt,
  encryptCommandParameter,
  responseHmac,
  sessionKey,
} from '#attestation/tpm/param-encryption.js';
import type { TpmtPublic } from '#attestation/tpm/public.js';
import type { Tpm2 } from './tpm2.js';

/**
 * Sessions salted to the SRK with AES-128-CFB parameter encryption (TCG Part 1 §19.6.11, §21), so that seeds
 * cross the TPM interface only encrypted: TPM2_Create receives them encrypted (decrypt attribute) and
 * TPM2_Unseal returns them encrypted (encrypt attribute). All our authValues are empty, so HMAC and CFB keys
 * are the sessionKey alone. The Unseal response HMAC is checked, so a forged response is detected.
 */
const AES_BITS = 128;
const HASH = TPM_ALG.SHA256;
const EMPTY = new Uint8Array(0);

export interface EncryptingSession {
  handle: number;
  key: Uint8Array;
  /** The TPM's latest nonce for this session (policy commands take the session as a handle and do not roll it). */
  nonceTPM: Uint8Array;
}

export interface Srk {
  handle: number;
  name: Uint8Array;
  public: TpmtPublic;
}

export async function startSaltedSession(
  tpm: Tpm2,
  srk: Srk,
  sessionType: number,
): Promise<EncryptingSession> {
  const { salt, encryptedSalt } = eccSalt(HASH, srk.public);
  const nonceCaller = new Uint8Array(randomBytes(32));
  const res = parseStartAuthSession(
    await tpm.run(
      startAuthSession(sessionType, nonceCaller, HASH, {
        tpmKey: srk.handle,
        encryptedSalt,
        aesKeyBits: AES_BITS,
      }),
    ),
  );
  return {
    handle: res.sessionHandle,
    key: sessionKey(HASH, salt, res.nonceTPM, nonceCaller),
    nonceTPM: res.nonceTPM,
  };
}

/**
 * TPM2_Unseal authorized by `session` (a salted policy session whose policy has been satisfied), outData
 * returned encrypted. A salted session has a non-empty sessionKey, so the command carries its HMAC.
 */
export async function unsealEncrypted(
  tpm: Tpm2,
  item: { handle: number; name: Uint8Array },
  session: EncryptingSession,
): Promise<Uint8Array> {
  const nonceCaller = new Uint8Array(randomBytes(32));
  const attrs = TPMA_SESSION.encrypt;
  const hmac = commandHmac(
    HASH,
    session.key,
    TPM_CC.Unseal,
    [item.name],
    EMPTY,
    nonceCaller,
    session.nonceTPM,
    attrs,
  );
  const resp = await tpm.run(
    unseal(item.handle, { sessionHandle: session.handle, nonceCaller, sessionAttributes: attrs, hmac }),
  );
  const encrypted = parseUnseal(resp);
  const ra = resp.auths[0];
  if (ra === undefined) fail('TPM_RESPONSE_MALFORMED', 'TPM2_Unseal response has no session area');
  const nonceTPM = ra.nonceTPM;
  const expected = responseHmac(
    HASH,
    session.key,
    TPM_CC.Unseal,
    resp.parameters,
    nonceTPM,
    nonceCaller,
    ra.sessionAttributes,
  );
  if (!bytesEqual(expected, ra.hmac))
    fail(
      'TPM_RESPONSE_HMAC_INVALID',
      'the TPM2_Unseal response HMAC does not verify: the response was not made by the TPM holding the session',
    );
  return decryptResponseParameter(HASH, session.key, EMPTY, nonceTPM, nonceCaller, AES_BITS, encrypted);
}

/**
 * TPM2_Create under the SRK with `data` (the seeds) encrypted in transit: the SRK is authorized by the empty
 * password in session 1, and a salted HMAC session in slot 2 with the decrypt attribute encrypts the first
 * parameter (TPM2B_SENSITIVE_CREATE). The HMAC covers the encrypted parameters (Part 1 §21.1).
 */
export async function createEncrypted(
  tpm: Tpm2,
  srk: Srk,
  template: TpmtPublic,
  data: Uint8Array,
): Promise<CreateResult> {
  const session = await startSaltedSession(tpm, srk, TPM_SE.HMAC);
  const params = createParams(template, data);
  const size = ((params[0] as number) << 8) | (params[1] as number);
  const nonceCaller = new Uint8Array(randomBytes(32));
  const enc = encryptCommandParameter(
    HASH,
    session.key,
    EMPTY,
    nonceCaller,
    session.nonceTPM,
    AES_BITS,
    params.subarray(2, 2 + size),
  );
  const encParams = concatBytes(params.subarray(0, 2), enc, params.subarray(2 + size));
  const attrs = TPMA_SESSION.decrypt;
  const hmac = commandHmac(
    HASH,
    session.key,
    TPM_CC.Create,
    [srk.name],
    encParams,
    nonceCaller,
    session.nonceTPM,
    attrs,
  );
  const cmd = encodeCommand(
    TPM_CC.Create,
    [srk.handle],
    [EMPTY_PASSWORD, { sessionHandle: session.handle, nonceCaller, sessionAttributes: attrs, hmac }],
    encParams,
  );
  try {
    return parseCreate(await tpm.run(cmd));
  } finally {
    await tpm.flushQuietly(session.handle); // flushed by the TPM on success (continueSession clear); needed on failure
  }
}

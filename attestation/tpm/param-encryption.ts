import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac } from 'node:crypto';
import { ByteWriter, concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { DIGEST_SIZE, HASH_NAME, TPM_ALG, TPM_ECC_CURVE } from './constants.js';
import { kdfa, kdfe } from './kdf.js';
import { putTpm2b } from './marshal.js';
import { leftPad, type TpmtPublic } from './public.js';

/**
 * A secret shared with the holder of an ECC P-256 decryption key (TCG Part 1 Annex C.6.1, "ECC secret sharing"):
 * an ephemeral key pair (de, Qe), Z = x(de·Qs), seed = KDFe(hash, Z, label, Qe.x, Qs.x, digest bits); the TPM
 * recomputes Z from Qe. encryptedSecret is the marshalled TPMS_ECC_POINT Qe. Label "SECRET" for session salts,
 * "IDENTITY" for credentials, "DUPLICATE" for duplication.
 */
export function eccSecret(
  hash: number,
  key: TpmtPublic,
  lbl: string,
): { seed: Uint8Array; encryptedSecret: Uint8Array } {
  if (key.type !== TPM_ALG.ECC || key.curveID !== TPM_ECC_CURVE.NIST_P256)
    fail('TPM_ALG_UNSUPPORTED', 'secret sharing needs an ECC NIST P-256 key');
  const bits = (DIGEST_SIZE[hash] ?? fail('TPM_ALG_UNSUPPORTED', 'hash is not supported')) * 8;
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const qe = new Uint8Array(ecdh.getPublicKey());
  const qsx = leftPad(key.x, 32);
  const z = new Uint8Array(ecdh.computeSecret(concatBytes(Uint8Array.of(4), qsx, leftPad(key.y, 32))));
  const qex = qe.subarray(1, 33);
  const seed = kdfe(hash, z, lbl, qex, qsx, bits);
  const w = new ByteWriter();
  putTpm2b(w, qex);
  putTpm2b(w, qe.subarray(33, 65));
  return { seed, encryptedSecret: w.finish() };
}

/** Salt for a session salted to an ECC key (Part 1 §19.6.11): eccSecret with the label "SECRET". */
export function eccSalt(hash: number, key: TpmtPublic): { salt: Uint8Array; encryptedSalt: Uint8Array } {
  const s = eccSecret(hash, key, 'SECRET');
  return { salt: s.seed, encryptedSalt: s.encryptedSecret };
}

/** sessionKey := KDFa(authHash, bind.authValue ‖ salt, "ATH", nonceTPM, nonceCaller, digest bits) (Part 1 §19.6.8). */
export function sessionKey(
  hash: number,
  salt: Uint8Array,
  nonceTPM: Uint8Array,
  nonceCaller: Uint8Array,
): Uint8Array {
  const bits = (DIGEST_SIZE[hash] ?? fail('TPM_ALG_UNSUPPORTED', 'session hash is not supported')) * 8;
  return kdfa(hash, salt, 'ATH', nonceTPM, nonceCaller, bits);
}

/**
 * Decrypts the first response parameter's data (Part 1 §21.3, "CFB mode parameter encryption"):
 * key ‖ IV = KDFa(hash, sessionKey ‖ authValue, "CFB", nonceNewer = nonceTPM of the response,
 * nonceOlder = nonceCaller of the command, keyBits + 128); AES-CFB with full-block feedback.
 */
export function decryptResponseParameter(
  hash: number,
  sessionKeyBytes: Uint8Array,
  authValue: Uint8Array,
  nonceTPM: Uint8Array,
  nonceCaller: Uint8Array,
  aesKeyBits: number,
  data: Uint8Array,
): Uint8Array {
  return cfb(
    'decrypt',
    hash,
    concatBytes(sessionKeyBytes, authValue),
    nonceTPM,
    nonceCaller,
    aesKeyBits,
    data,
  );
}

/**
 * The command HMAC of a session (Part 1 §19.6.5 and §19.6.8):
 *   cpHash   = H(commandCode ‖ Name(handle 1) ‖ … ‖ parameters)
 *   authHMAC = HMAC(sessionKey ‖ authValue, cpHash ‖ nonceCaller ‖ nonceTPM(last) ‖ sessionAttributes)
 * For a policy session without TPM2_PolicyAuthValue the authValue is not part of the key.
 */
export function commandHmac(
  hash: number,
  key: Uint8Array,
  commandCode: number,
  names: readonly Uint8Array[],
  parameters: Uint8Array,
  nonceCaller: Uint8Array,
  nonceTPM: Uint8Array,
  sessionAttributes: number,
): Uint8Array {
  const alg = HASH_NAME[hash] ?? fail('TPM_ALG_UNSUPPORTED', 'session hash is not supported');
  const cp = createHash(alg).update(new ByteWriter().u32be(commandCode).finish());
  for (const n of names) cp.update(n);
  const cpHash = cp.update(parameters).digest();
  const h = createHmac(alg, key)
    .update(cpHash)
    .update(nonceCaller)
    .update(nonceTPM)
    .update(Uint8Array.of(sessionAttributes));
  return new Uint8Array(h.digest());
}

/**
 * Encrypts the data of the first command parameter (Part 1 §21.3): key ‖ IV = KDFa(hash, sessionKey ‖ authValue,
 * "CFB", nonceNewer = nonceCaller of this command, nonceOlder = the session's nonceTPM, keyBits + 128).
 * The command HMAC is then computed over the encrypted parameters.
 */
export function encryptCommandParameter(
  hash: number,
  sessionKeyBytes: Uint8Array,
  authValue: Uint8Array,
  nonceCaller: Uint8Array,
  nonceTPM: Uint8Array,
  aesKeyBits: number,
  data: Uint8Array,
): Uint8Array {
  return cfb(
    'encrypt',
    hash,
    concatBytes(sessionKeyBytes, authValue),
    nonceCaller,
    nonceTPM,
    aesKeyBits,
    data,
  );
}

/**
 * The response HMAC of a session (Part 1 §19.6.5 / §19.6.8), for checking that a response really comes from the
 * TPM holding the session key: rpHash = H(responseCode ‖ commandCode ‖ parameters) and
 *   HMAC(sessionKey ‖ authValue, rpHash ‖ nonceTPM(new) ‖ nonceCaller ‖ sessionAttributes).
 */
export function responseHmac(
  hash: number,
  key: Uint8Array,
  commandCode: number,
  parameters: Uint8Array,
  nonceTPM: Uint8Array,
  nonceCaller: Uint8Array,
  sessionAttributes: number,
): Uint8Array {
  const alg = HASH_NAME[hash] ?? fail('TPM_ALG_UNSUPPORTED', 'session hash is not supported');
  const rpHash = createHash(alg)
    .update(new ByteWriter().u32be(0).u32be(commandCode).finish())
    .update(parameters)
    .digest();
  return new Uint8Array(
    createHmac(alg, key)
      .update(rpHash)
      .update(nonceTPM)
      .update(nonceCaller)
      .update(Uint8Array.of(sessionAttributes))
      .digest(),
  );
}

/**
 * AES-CFB parameter encryption shared by both directions (Part 1 §21.3): key ‖ IV = KDFa(hash, key, "CFB",
 * nonceNewer, nonceOlder, keyBits + 128), full-block feedback.
 */
function cfb(
  dir: 'encrypt' | 'decrypt',
  hash: number,
  key: Uint8Array,
  nonceNewer: Uint8Array,
  nonceOlder: Uint8Array,
  aesKeyBits: number,
  data: Uint8Array,
): Uint8Array {
  const kb = aesKeyBits / 8;
  const kiv = kdfa(hash, key, 'CFB', nonceNewer, nonceOlder, aesKeyBits + 128);
  const make = dir === 'encrypt' ? createCipheriv : createDecipheriv;
  const c = make(`aes-${aesKeyBits}-cfb`, kiv.subarray(0, kb), kiv.subarray(kb, kb + 16));
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

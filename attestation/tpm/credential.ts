import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes } from 'node:crypto';
import { ByteWriter, concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { DIGEST_SIZE, HASH_NAME, TPM_ALG } from './constants.js';
import { kdfa } from './kdf.js';
import { putTpm2b } from './marshal.js';
import { eccSecret } from './param-encryption.js';
import { publicKeyObject, type TpmtPublic } from './public.js';

/**
 * TPM2_MakeCredential done by the verifier in software (TCG Part 1 §24, "Credential Protection"): protects
 * `credential` so that only the TPM holding `ek` can recover it, and only for the object named `objectName`:
 *   seed        = KDFe(nameAlg, Z, "IDENTITY", Qe.x, Qek.x)        (ECDH with the EK, as for salts)
 *   symKey      = KDFa(nameAlg, seed, "STORAGE", objectName, ∅, EK symmetric key bits)
 *   encIdentity = AES-CFB(symKey, IV = 0, TPM2B_DIGEST(credential))
 *   hmacKey     = KDFa(nameAlg, seed, "INTEGRITY", ∅, ∅, digest bits)
 *   credentialBlob (TPM2B_ID_OBJECT) = TPM2B(HMAC(hmacKey, encIdentity ‖ objectName)) ‖ encIdentity
 *   secret      = TPMS_ECC_POINT Qe
 * For an RSA EK the seed is random and secret = RSA-OAEP(nameAlg, label "IDENTITY\0") of it (Part 1 Annex B.10.3).
 */
export function makeCredential(
  ek: TpmtPublic,
  objectName: Uint8Array,
  credential: Uint8Array,
): { credentialBlob: Uint8Array; secret: Uint8Array } {
  if (
    ek.type === TPM_ALG.KEYEDHASH ||
    ek.symmetric.algorithm !== TPM_ALG.AES ||
    ek.symmetric.mode !== TPM_ALG.CFB
  )
    fail('TPM_ALG_UNSUPPORTED', 'MakeCredential needs an ECC or RSA endorsement key with AES-CFB');
  const n = ek.nameAlg;
  const hash = HASH_NAME[n] ?? fail('TPM_ALG_UNSUPPORTED', 'EK nameAlg is not supported');
  const digestBits = (DIGEST_SIZE[n] as number) * 8;
  if (credential.length > digestBits / 8)
    fail('TPM_MARSHAL_INVALID', 'the credential is longer than the EK nameAlg digest');
  const { seed, encryptedSecret } =
    ek.type === TPM_ALG.ECC ? eccSecret(n, ek, 'IDENTITY') : rsaSecret(n, ek, 'IDENTITY');
  const keyBits = ek.symmetric.keyBits ?? 128;
  const symKey = kdfa(n, seed, 'STORAGE', objectName, new Uint8Array(0), keyBits);
  const c = createCipheriv(`aes-${keyBits}-cfb`, symKey, new Uint8Array(16));
  const plain = putTpm2b(new ByteWriter(), credential).finish();
  const encIdentity = new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  const hmacKey = kdfa(n, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), digestBits);
  const outerHmac = new Uint8Array(createHmac(hash, hmacKey).update(encIdentity).update(objectName).digest());
  const credentialBlob = concatBytes(putTpm2b(new ByteWriter(), outerHmac).finish(), encIdentity);
  return { credentialBlob, secret: encryptedSecret };
}

/** Secret sharing with an RSA key (Part 1 Annex B.10.3): a random seed, OAEP-encrypted with the label. */
function rsaSecret(
  hash: number,
  key: TpmtPublic,
  lbl: string,
): { seed: Uint8Array; encryptedSecret: Uint8Array } {
  const seed = new Uint8Array(randomBytes(DIGEST_SIZE[hash] as number));
  const label = Buffer.from(`${lbl}\0`, 'latin1');
  const enc = publicEncrypt(
    {
      key: publicKeyObject(key),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: HASH_NAME[hash] as string,
      oaepLabel: label,
    },
    seed,
  );
  return { seed, encryptedSecret: new Uint8Array(enc) };
}

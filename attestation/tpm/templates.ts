import { TPM_ALG, TPM_ECC_CURVE, TPMA_OBJECT as A } from './constants.js';
import type { EccPublic, KeyedHashPublic, RsaPublic } from './public.js';

/**
 * Object templates (TPMT_PUBLIC inputs to TPM2_CreatePrimary / TPM2_Create).
 */

const EMPTY = new Uint8Array(0);

/**
 * The storage root key: ECC NIST P-256 with AES-128-CFB, the "SRK template" of the TCG TPM v2.0 Provisioning
 * Guidance §7.5.1 (unique = two 32-byte zero coordinates). It is a primary object in the owner hierarchy, so
 * the same template always re-derives the same key while the owner seed is unchanged; we re-create it on use
 * instead of occupying a persistent handle.
 */
export function srkTemplate(): EccPublic {
  return {
    type: TPM_ALG.ECC,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes:
      A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt,
    authPolicy: EMPTY,
    symmetric: { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB },
    scheme: { scheme: TPM_ALG.NULL },
    curveID: TPM_ECC_CURVE.NIST_P256,
    kdf: { scheme: TPM_ALG.NULL },
    x: new Uint8Array(32),
    y: new Uint8Array(32),
  };
}

/** Attributes of an attestation key: a restricted signing key that never leaves the TPM (Part 1 §25.1). */
export const AK_ATTRIBUTES =
  A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.restricted | A.sign;

/** AK: ECC NIST P-256, ECDSA with SHA-256, no symmetric algorithm (a restricted signing key must have none). */
export function akEccTemplate(): EccPublic {
  return {
    type: TPM_ALG.ECC,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: AK_ATTRIBUTES,
    authPolicy: EMPTY,
    symmetric: { algorithm: TPM_ALG.NULL },
    scheme: { scheme: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
    curveID: TPM_ECC_CURVE.NIST_P256,
    kdf: { scheme: TPM_ALG.NULL },
    x: EMPTY,
    y: EMPTY,
  };
}

/** AK: RSA-2048, RSASSA-PKCS1-v1_5 with SHA-256. */
export function akRsaTemplate(): RsaPublic {
  return {
    type: TPM_ALG.RSA,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: AK_ATTRIBUTES,
    authPolicy: EMPTY,
    symmetric: { algorithm: TPM_ALG.NULL },
    scheme: { scheme: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 },
    keyBits: 2048,
    exponent: 0,
    modulus: EMPTY,
  };
}

/**
 * A sealed-data object (Part 1 §27.1, "Sealed Data Object"): KEYEDHASH with a NULL scheme whose sensitive
 * data is supplied by the caller. No userWithAuth: only a policy session satisfying `authPolicy` can unseal it.
 * No sensitiveDataOrigin: the data comes from us.
 */
export function sealedDataTemplate(authPolicy: Uint8Array): KeyedHashPublic {
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: A.fixedTPM | A.fixedParent,
    authPolicy,
    scheme: { scheme: TPM_ALG.NULL },
    unique: EMPTY,
  };
}

/** PolicySecret(TPM_RH_ENDORSEMENT) with SHA-256: the EK's authPolicy (TCG EK Credential Profile 2.x, "policy A"). */
export const EK_POLICY_A_SHA256 = new Uint8Array(
  Buffer.from('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa', 'hex'),
);

/**
 * The endorsement key, ECC NIST P-256 ("template L-2" of the TCG EK Credential Profile for TPM Family 2.0): a
 * restricted decryption key usable only through policy A, the same key tpm2_createek -G ecc makes (checked in tests).
 */
export function ekEccTemplate(): EccPublic {
  return {
    type: TPM_ALG.ECC,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes:
      A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.adminWithPolicy | A.restricted | A.decrypt,
    authPolicy: EK_POLICY_A_SHA256,
    symmetric: { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB },
    scheme: { scheme: TPM_ALG.NULL },
    curveID: TPM_ECC_CURVE.NIST_P256,
    kdf: { scheme: TPM_ALG.NULL },
    x: new Uint8Array(32),
    y: new Uint8Array(32),
  };
}

/** The endorsement key, RSA 2048 ("template L-1" of the TCG EK Credential Profile): unique = 256 zero bytes. */
export function ekRsaTemplate(): RsaPublic {
  return {
    type: TPM_ALG.RSA,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes:
      A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.adminWithPolicy | A.restricted | A.decrypt,
    authPolicy: EK_POLICY_A_SHA256,
    symmetric: { algorithm: TPM_ALG.AES, keyBits: 128, mode: TPM_ALG.CFB },
    scheme: { scheme: TPM_ALG.NULL },
    keyBits: 2048,
    exponent: 0,
    modulus: new Uint8Array(256),
  };
}

/**
 * TPM 2.0 constants, named as in TCG TPM 2.0 Library Part 2 (Structures), rev 1.59:
 * §6.3 TPM_ALG_ID, §6.4 TPM_ECC_CURVE, §6.5.2 TPM_CC, §6.9 TPM_ST, §6.5 TPM_SU, §6.11 TPM_SE, §6.12 TPM_CAP,
 * §7.4 TPM_RH, §8.3 TPMA_OBJECT, §8.4 TPMA_SESSION, §6.2 TPM_GENERATED.
 */

/** §6.2: every TPMS_ATTEST made by a TPM starts with this value ("\xffTCG"). */
export const TPM_GENERATED_VALUE = 0xff544347;

export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  HMAC: 0x0005,
  AES: 0x0006,
  KEYEDHASH: 0x0008,
  XOR: 0x000a,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  RSASSA: 0x0014,
  RSAES: 0x0015,
  RSAPSS: 0x0016,
  OAEP: 0x0017,
  ECDSA: 0x0018,
  ECDH: 0x0019,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  CFB: 0x0043,
} as const;

export const TPM_ECC_CURVE = {
  NIST_P256: 0x0003,
  NIST_P384: 0x0004,
} as const;

export const TPM_CC = {
  EvictControl: 0x00000120,
  NV_Read: 0x0000014e,
  NV_ReadPublic: 0x00000169,
  ActivateCredential: 0x00000147,
  PolicySecret: 0x00000151,
  CreatePrimary: 0x00000131,
  Create: 0x00000153,
  Load: 0x00000157,
  Quote: 0x00000158,
  Unseal: 0x0000015e,
  FlushContext: 0x00000165,
  ReadPublic: 0x00000173,
  StartAuthSession: 0x00000176,
  GetCapability: 0x0000017a,
  GetRandom: 0x0000017b,
  PCR_Read: 0x0000017e,
  PolicyPCR: 0x0000017f,
  ReadClock: 0x00000181,
  PCR_Extend: 0x00000182,
  PolicyGetDigest: 0x00000189,
  Startup: 0x00000144,
  Shutdown: 0x00000145,
} as const;

export const TPM_ST = {
  NO_SESSIONS: 0x8001,
  SESSIONS: 0x8002,
  ATTEST_CERTIFY: 0x8017,
  ATTEST_QUOTE: 0x8018,
  CREATION: 0x8021,
} as const;

export const TPM_SU = { CLEAR: 0x0000, STATE: 0x0001 } as const;

export const TPM_SE = { HMAC: 0x00, POLICY: 0x01, TRIAL: 0x03 } as const;

export const TPM_CAP = {
  ALGS: 0x00000000,
  HANDLES: 0x00000001,
  PCRS: 0x00000005,
  TPM_PROPERTIES: 0x00000006,
} as const;

/** Part 2 §6.13 TPM_PT: a few fixed properties worth reporting (manufacturer, firmware). */
export const TPM_PT = {
  FAMILY_INDICATOR: 0x00000100,
  MANUFACTURER: 0x00000105,
  VENDOR_STRING_1: 0x00000106,
  FIRMWARE_VERSION_1: 0x0000010b,
  FIRMWARE_VERSION_2: 0x0000010c,
} as const;

/** Part 2 §7.4 permanent handles, §7.2 handle types. */
export const TPM_RH = {
  OWNER: 0x40000001,
  NULL: 0x40000007,
  ENDORSEMENT: 0x4000000b,
  PLATFORM: 0x4000000c,
} as const;
/** The password authorization pseudo-session (Part 1 §19.6.5). */
export const TPM_RS_PW = 0x40000009;

/** Part 2 §8.3 TPMA_OBJECT bits. */
export const TPMA_OBJECT = {
  fixedTPM: 1 << 1,
  stClear: 1 << 2,
  fixedParent: 1 << 4,
  sensitiveDataOrigin: 1 << 5,
  userWithAuth: 1 << 6,
  adminWithPolicy: 1 << 7,
  noDA: 1 << 10,
  encryptedDuplication: 1 << 11,
  restricted: 1 << 16,
  decrypt: 1 << 17,
  sign: 1 << 18,
} as const;

/** Part 2 §8.4 TPMA_SESSION bits. */
export const TPMA_SESSION = { continueSession: 0x01, decrypt: 0x20, encrypt: 0x40 } as const;

/** Digest sizes of the hash algorithms we accept (Part 2 §6.3 and §10.3.1 TPMU_HA). */
export const DIGEST_SIZE: Readonly<Record<number, number>> = {
  [TPM_ALG.SHA1]: 20,
  [TPM_ALG.SHA256]: 32,
  [TPM_ALG.SHA384]: 48,
  [TPM_ALG.SHA512]: 64,
};

/** node:crypto names of the hash algorithms, for hashing and signature checks. */
export const HASH_NAME: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
};

/** tpm2-tools / TCG names used in PCR selection strings such as "sha256:0,1,2". */
export const HASH_BY_NAME: Readonly<Record<string, number>> = {
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
};

/**
 * NV indices of EK certificates (TCG EK Credential Profile for TPM Family 2.0, §2.2.1.4, "low range"
 * 0x01c00002 RSA 2048, 0x01c0000a ECC NIST P-256; "high range" 0x01c00016 ECC NIST P-384).
 */
export const EK_CERT_NV_INDEX = { RSA_2048: 0x01c00002, ECC_P256: 0x01c0000a, ECC_P384: 0x01c00016 } as const;

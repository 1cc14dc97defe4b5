import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ByteReader, ByteWriter, concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { toBase64Url } from '#core/encoding.js';
import { HASH_NAME, TPM_ALG, TPM_ECC_CURVE } from './constants.js';
import { getTpm2b, putTpm2b } from './marshal.js';

/**
 * TPMT_PUBLIC (Part 2 §12.2.4) for the three object types we use: ECC and RSA keys (AK, SRK) and
 * KEYEDHASH sealed-data objects. Parameters follow TPMS_ECC_PARMS (§12.2.3.6), TPMS_RSA_PARMS (§12.2.3.5) and
 * TPMS_KEYEDHASH_PARMS (§12.2.3.3).
 */

/** TPMT_SYM_DEF_OBJECT (§11.1.7): keyBits and mode are present only when algorithm ≠ TPM_ALG_NULL. */
export interface SymDefObject {
  algorithm: number;
  keyBits?: number;
  mode?: number;
}

/** TPMT_ECC_SCHEME / TPMT_RSA_SCHEME / TPMT_KDF_SCHEME / TPMT_KEYEDHASH_SCHEME (HMAC): scheme ‖ hashAlg. */
export interface SchemeDef {
  scheme: number;
  hashAlg?: number;
}

interface PublicCommon {
  nameAlg: number;
  objectAttributes: number;
  authPolicy: Uint8Array;
}

export interface EccPublic extends PublicCommon {
  type: typeof TPM_ALG.ECC;
  symmetric: SymDefObject;
  scheme: SchemeDef;
  curveID: number;
  kdf: SchemeDef;
  x: Uint8Array;
  y: Uint8Array;
}

export interface RsaPublic extends PublicCommon {
  type: typeof TPM_ALG.RSA;
  symmetric: SymDefObject;
  scheme: SchemeDef;
  keyBits: number;
  exponent: number;
  modulus: Uint8Array;
}

export interface KeyedHashPublic extends PublicCommon {
  type: typeof TPM_ALG.KEYEDHASH;
  scheme: SchemeDef;
  unique: Uint8Array;
}

export type TpmtPublic = EccPublic | RsaPublic | KeyedHashPublic;

const NULL = TPM_ALG.NULL;

function putSym(w: ByteWriter, s: SymDefObject): void {
  w.u16be(s.algorithm);
  if (s.algorithm !== NULL) w.u16be(s.keyBits ?? 0).u16be(s.mode ?? NULL);
}

function getSym(r: ByteReader): SymDefObject {
  const algorithm = r.u16be('symmetric.algorithm');
  if (algorithm === NULL) return { algorithm };
  return { algorithm, keyBits: r.u16be('symmetric.keyBits'), mode: r.u16be('symmetric.mode') };
}

function putScheme(w: ByteWriter, s: SchemeDef): void {
  w.u16be(s.scheme);
  if (s.scheme !== NULL) w.u16be(s.hashAlg ?? NULL);
}

function getScheme(r: ByteReader, field: string): SchemeDef {
  const scheme = r.u16be(`${field}.scheme`);
  if (scheme === NULL) return { scheme };
  if (scheme === TPM_ALG.XOR) fail('TPM_ALG_UNSUPPORTED', `${field}: XOR keyed-hash scheme is not supported`);
  return { scheme, hashAlg: r.u16be(`${field}.hashAlg`) };
}

export function marshalPublic(p: TpmtPublic): Uint8Array {
  const w = new ByteWriter()
    .u16be(p.type)
    .u16be(p.nameAlg)
    .u32be(p.objectAttributes >>> 0);
  putTpm2b(w, p.authPolicy);
  switch (p.type) {
    case TPM_ALG.ECC:
      putSym(w, p.symmetric);
      putScheme(w, p.scheme);
      w.u16be(p.curveID);
      putScheme(w, p.kdf);
      putTpm2b(w, p.x);
      putTpm2b(w, p.y);
      break;
    case TPM_ALG.RSA:
      putSym(w, p.symmetric);
      putScheme(w, p.scheme);
      w.u16be(p.keyBits).u32be(p.exponent);
      putTpm2b(w, p.modulus);
      break;
    case TPM_ALG.KEYEDHASH:
      putScheme(w, p.scheme);
      putTpm2b(w, p.unique);
      break;
  }
  return w.finish();
}

/** TPM2B_PUBLIC: UINT16 size ‖ TPMT_PUBLIC. */
export function marshalPublic2b(p: TpmtPublic): Uint8Array {
  return putTpm2b(new ByteWriter(), marshalPublic(p)).finish();
}

export function getPublic(r: ByteReader): TpmtPublic {
  const type = r.u16be('public.type');
  const nameAlg = r.u16be('public.nameAlg');
  const objectAttributes = r.u32be('public.objectAttributes');
  const authPolicy = getTpm2b(r, 'public.authPolicy');
  const common = { nameAlg, objectAttributes, authPolicy };
  switch (type) {
    case TPM_ALG.ECC: {
      const symmetric = getSym(r);
      const scheme = getScheme(r, 'public.scheme');
      const curveID = r.u16be('public.curveID');
      const kdf = getScheme(r, 'public.kdf');
      const x = getTpm2b(r, 'public.unique.x');
      const y = getTpm2b(r, 'public.unique.y');
      return { type, ...common, symmetric, scheme, curveID, kdf, x, y };
    }
    case TPM_ALG.RSA: {
      const symmetric = getSym(r);
      const scheme = getScheme(r, 'public.scheme');
      const keyBits = r.u16be('public.keyBits');
      const exponent = r.u32be('public.exponent');
      const modulus = getTpm2b(r, 'public.unique.rsa');
      return { type, ...common, symmetric, scheme, keyBits, exponent, modulus };
    }
    case TPM_ALG.KEYEDHASH: {
      const scheme = getScheme(r, 'public.scheme');
      const unique = getTpm2b(r, 'public.unique.keyedHash');
      return { type, ...common, scheme, unique };
    }
    default:
      return fail('TPM_ALG_UNSUPPORTED', `TPMT_PUBLIC type 0x${type.toString(16)} is not supported`);
  }
}

/** Parses a TPM2B_PUBLIC and requires that it fills `buf` exactly. */
export function parsePublic2b(buf: Uint8Array, what = 'TPM2B_PUBLIC'): TpmtPublic {
  const r = new ByteReader(buf, what);
  const inner = getTpm2b(r, 'public');
  if (r.remaining !== 0) fail('TPM_MARSHAL_INVALID', `${what}: ${r.remaining} trailing bytes`);
  return parsePublic(inner, what);
}

/** Parses a bare TPMT_PUBLIC. */
export function parsePublic(buf: Uint8Array, what = 'TPMT_PUBLIC'): TpmtPublic {
  const r = new ByteReader(buf, what);
  const p = getPublic(r);
  if (r.remaining !== 0) fail('TPM_MARSHAL_INVALID', `${what}: ${r.remaining} trailing bytes`);
  return p;
}

/** Object Name (Part 1 §16): nameAlg ‖ H_nameAlg(TPMT_PUBLIC). */
export function objectName(p: TpmtPublic): Uint8Array {
  const h = HASH_NAME[p.nameAlg];
  if (h === undefined) fail('TPM_ALG_UNSUPPORTED', `nameAlg 0x${p.nameAlg.toString(16)} is not supported`);
  const alg = Uint8Array.of(p.nameAlg >> 8, p.nameAlg & 0xff);
  return concatBytes(alg, new Uint8Array(createHash(h).update(marshalPublic(p)).digest()));
}

const CURVE_JWK: Readonly<Record<number, { crv: string; size: number }>> = {
  [TPM_ECC_CURVE.NIST_P256]: { crv: 'P-256', size: 32 },
  [TPM_ECC_CURVE.NIST_P384]: { crv: 'P-384', size: 48 },
};

/** Pads a big-endian integer to `size` bytes (a TPM may strip leading zeros of ECC coordinates). */
export function leftPad(b: Uint8Array, size: number): Uint8Array {
  if (b.length > size) fail('TPM_KEY_INVALID', `integer of ${b.length} bytes exceeds ${size}`);
  const out = new Uint8Array(size);
  out.set(b, size - b.length);
  return out;
}

/** The public key of an ECC or RSA object as a node:crypto KeyObject (for signature checks and PEM export). */
export function publicKeyObject(p: TpmtPublic): KeyObject {
  try {
    if (p.type === TPM_ALG.ECC) {
      const c = CURVE_JWK[p.curveID];
      if (c === undefined)
        fail('TPM_ALG_UNSUPPORTED', `ECC curve 0x${p.curveID.toString(16)} is not supported`);
      return createPublicKey({
        key: {
          kty: 'EC',
          crv: c.crv,
          x: toBase64Url(leftPad(p.x, c.size)),
          y: toBase64Url(leftPad(p.y, c.size)),
        },
        format: 'jwk',
      });
    }
    if (p.type === TPM_ALG.RSA) {
      // Part 2 §12.2.3.5: exponent 0 means the default 2^16 + 1.
      const e = p.exponent === 0 ? 65537 : p.exponent;
      const eb = new ByteWriter().u32be(e).finish();
      let i = 0;
      while (i < 3 && eb[i] === 0) i++;
      return createPublicKey({
        key: { kty: 'RSA', n: toBase64Url(p.modulus), e: toBase64Url(eb.subarray(i)) },
        format: 'jwk',
      });
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AegisError') throw e;
    fail('TPM_KEY_INVALID', 'the TPM public key is not a valid key of its type');
  }
  return fail('TPM_ALG_UNSUPPORTED', 'only ECC and RSA objects have a public key');
}

import { constants, verify as nodeVerify } from 'node:crypto';
import { ByteReader, ByteWriter, concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { HASH_NAME, TPM_ALG, TPM_ECC_CURVE } from './constants.js';
import { getTpm2b, putTpm2b } from './marshal.js';
import { leftPad, publicKeyObject, type TpmtPublic } from './public.js';

/** TPMT_SIGNATURE (Part 2 §11.3.4) for ECDSA (TPMS_SIGNATURE_ECC) and RSASSA / RSAPSS (TPMS_SIGNATURE_RSA). */
export type TpmtSignature =
  | { sigAlg: typeof TPM_ALG.ECDSA; hash: number; r: Uint8Array; s: Uint8Array }
  | { sigAlg: typeof TPM_ALG.RSASSA | typeof TPM_ALG.RSAPSS; hash: number; sig: Uint8Array };

export function getSignature(rd: ByteReader): TpmtSignature {
  const sigAlg = rd.u16be('signature.sigAlg');
  const hash = rd.u16be('signature.hash');
  if (sigAlg === TPM_ALG.ECDSA) {
    const r = getTpm2b(rd, 'signature.signatureR');
    const s = getTpm2b(rd, 'signature.signatureS');
    return { sigAlg, hash, r, s };
  }
  if (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS)
    return { sigAlg, hash, sig: getTpm2b(rd, 'signature.sig') };
  return fail('TPM_ALG_UNSUPPORTED', `signature algorithm 0x${sigAlg.toString(16)} is not supported`);
}

export function parseSignature(buf: Uint8Array): TpmtSignature {
  const r = new ByteReader(buf, 'TPMT_SIGNATURE');
  const s = getSignature(r);
  if (r.remaining !== 0) fail('TPM_MARSHAL_INVALID', `TPMT_SIGNATURE: ${r.remaining} trailing bytes`);
  return s;
}

export function marshalSignature(s: TpmtSignature): Uint8Array {
  const w = new ByteWriter().u16be(s.sigAlg).u16be(s.hash);
  if (s.sigAlg === TPM_ALG.ECDSA) {
    putTpm2b(w, s.r);
    putTpm2b(w, s.s);
  } else putTpm2b(w, s.sig);
  return w.finish();
}

/**
 * Checks `sig` over `message` with the public key of `key`. The algorithm must agree with the key's scheme
 * (a restricted signing key signs only with its own scheme, Part 1 §25.1). False on a wrong signature;
 * TPM_QUOTE_SIGNATURE_INVALID-worthy mismatches of algorithm return false too, so callers give one code.
 */
export function verifySignature(key: TpmtPublic, message: Uint8Array, sig: TpmtSignature): boolean {
  const hashName = HASH_NAME[sig.hash];
  if (hashName === undefined) return false;
  if (key.type === TPM_ALG.KEYEDHASH) return false;
  if (
    key.scheme.scheme !== TPM_ALG.NULL &&
    (key.scheme.scheme !== sig.sigAlg || key.scheme.hashAlg !== sig.hash)
  )
    return false;
  const pub = publicKeyObject(key);
  if (sig.sigAlg === TPM_ALG.ECDSA) {
    if (key.type !== TPM_ALG.ECC) return false;
    const size = key.curveID === TPM_ECC_CURVE.NIST_P384 ? 48 : 32;
    if (sig.r.length > size || sig.s.length > size) return false;
    const p1363 = concatBytes(leftPad(sig.r, size), leftPad(sig.s, size));
    return nodeVerify(hashName, message, { key: pub, dsaEncoding: 'ieee-p1363' }, p1363);
  }
  if (key.type !== TPM_ALG.RSA) return false;
  if (sig.sigAlg === TPM_ALG.RSAPSS) {
    return nodeVerify(
      hashName,
      message,
      { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
      sig.sig,
    );
  }
  return nodeVerify(hashName, message, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig.sig);
}

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { fail } from '#core/errors.js';
import { fromBase64 } from '#core/encoding.js';
import type { SnpTcb } from '#attestation/sev-snp/index.js';
import type { Issued } from './intel-pki.js';
import { P256, P384, RSA_PSS_4096, importSigningKey, x509, type KeyCertState } from './pki.js';
import type { SimTdxTcb } from './tdx-collateral.js';

/**
 * Persistable simulator state: the TEST-ONLY CA keys and certificates, so a composition root can keep one
 * simulated platform across processes (evidence collected yesterday still verifies under the same simulator
 * anchors, and a cold start skips RSA-4096 generation). It holds private keys of a test CA only — never an
 * audit key — and is marked `test_only`. The caller decides where it lives (e.g. $AEGIS_HOME/sim/, mode 0600).
 */
export const SIM_STATE_FORMAT = 'aegis-sim-tee-state-v1';

export interface TdxSimState {
  format: typeof SIM_STATE_FORMAT;
  kind: 'tdx';
  test_only: true;
  tcb: SimTdxTcb;
  root: KeyCertState;
  platform_ca: KeyCertState;
  pck: KeyCertState;
  tcb_signing: KeyCertState;
  attestation_key_pkcs8_b64: string;
  user_data_hex: string;
}

export interface SnpSimState {
  format: typeof SIM_STATE_FORMAT;
  kind: 'sev-snp';
  test_only: true;
  product: 'Milan' | 'Genoa';
  tcb: SnpTcb;
  ark: KeyCertState;
  ask: KeyCertState;
  vcek: KeyCertState;
  chip_id_hex: string;
  report_id_hex: string;
  measurement_hex: string;
  host_data_hex: string;
  debug: boolean;
  /** Absent in states saved before VLEK support: 'vcek'. With 'vlek', `vcek` holds the VLEK and `asvk` its CA. */
  signer?: 'vcek' | 'vlek';
  asvk?: KeyCertState;
}

export type SimState = TdxSimState | SnpSimState;

function invalid(msg: string): never {
  return fail('TEE_SIM_STATE_INVALID', `simulator state: ${msg}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyCert(o: Record<string, unknown>, k: string): void {
  const v = o[k];
  if (!isObj(v) || typeof v['key_pkcs8_b64'] !== 'string' || typeof v['cert_der_b64'] !== 'string')
    invalid(`${k} must be {key_pkcs8_b64, cert_der_b64}`);
}

function strs(o: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) if (typeof o[k] !== 'string') invalid(`${k} must be a string`);
}

/** Checks the shape of parsed JSON; the keys themselves are checked when imported. */
export function parseSimState(v: unknown): SimState {
  if (!isObj(v) || v['format'] !== SIM_STATE_FORMAT || v['test_only'] !== true)
    invalid(`not an ${SIM_STATE_FORMAT} document`);
  if (!isObj(v['tcb'])) invalid('tcb must be an object');
  if (v['kind'] === 'tdx') {
    ['root', 'platform_ca', 'pck', 'tcb_signing'].forEach((k) => keyCert(v, k));
    strs(v, ['attestation_key_pkcs8_b64', 'user_data_hex']);
    return v as unknown as TdxSimState;
  }
  if (v['kind'] === 'sev-snp') {
    ['ark', 'ask', 'vcek'].forEach((k) => keyCert(v, k));
    strs(v, ['chip_id_hex', 'report_id_hex', 'measurement_hex', 'host_data_hex']);
    if (v['product'] !== 'Milan' && v['product'] !== 'Genoa') invalid('product must be Milan or Genoa');
    if (v['signer'] !== undefined && v['signer'] !== 'vcek' && v['signer'] !== 'vlek')
      invalid('signer must be vcek or vlek');
    if (v['asvk'] !== undefined) keyCert(v, 'asvk');
    return v as unknown as SnpSimState;
  }
  return invalid('kind must be tdx or sev-snp');
}

export async function importKeyCert(
  s: KeyCertState,
  alg: typeof P256 | typeof P384 | typeof RSA_PSS_4096,
  what: string,
): Promise<Issued> {
  try {
    const cert = new x509.X509Certificate(fromBase64(s.cert_der_b64, `${what} certificate`));
    const key = await importSigningKey(fromBase64(s.key_pkcs8_b64, `${what} key`), alg);
    return { cert, key };
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'TEE_SIM_STATE_INVALID') throw e;
    return invalid(`${what} key or certificate cannot be imported`);
  }
}

/** The x‖y public point of a P-256 PKCS#8 private key (the DCAP attestation key encoding). */
export function p256PublicXY(pkcs8: Uint8Array): Uint8Array {
  const jwk = createPublicKey(
    createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
  ).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') invalid('attestation key is not an EC key');
  return new Uint8Array(Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
}

export { P256, P384, RSA_PSS_4096 };

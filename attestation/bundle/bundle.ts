import { canonicalJson, isJsonObject, type JsonObject } from '#core/canonical-json.js';
import { fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import { sha3_256 } from '#crypto/hash.js';
import type { TpmQuoteJson } from '../tpm/quote-json.js';

/**
 * The evidence bundle an operator exports and an auditor verifies offline (`aegis attest verify-bundle`):
 * TEE evidence, TPM quote, the audit public keys and the software measurement, bound as in binding.ts.
 * JSON; binary fields base64 (RFC 4648 §4). Its digest (SHA3-256 of the RFC 8785 form) is stamped in the
 * audit log's genesis record as `evidence_digest`.
 */
export const BUNDLE_FORMAT = 'aegis-evidence-bundle/v1';

export interface BundleTdx {
  kind: 'tdx';
  simulated: boolean;
  source: string;
  description: string;
  quote_b64: string;
  /** QuoteCollateralV3 JSON object (fixtures/tee/dcap/<x>/collateral.json layout). */
  collateral: JsonObject | null;
  /** PEM anchors of a simulator's TEST-ONLY CA; honoured only with --allow-simulated. */
  simulator_anchors_pem?: string;
}

export interface BundleSnp {
  kind: 'sev-snp';
  simulated: boolean;
  source: string;
  description: string;
  report_b64: string;
  vek_chain: { signer: 'vcek' | 'vlek'; vek_b64: string; ask_b64?: string; ark_b64?: string } | null;
  simulator_anchors_pem?: string;
}

export interface BundleTpm {
  simulated: boolean;
  description: string;
  quote: TpmQuoteJson;
}

export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  created: string;
  nonce: string;
  keys: {
    ed25519_spki_b64: string;
    ml_dsa_65_spki_b64: string;
    backend: string;
    ed25519: string;
    ml_dsa_65: string;
  };
  /** report_data the evidence must carry (hex of the 64-byte binding digest). */
  binding: string;
  software: { name: string; version: string; measurement: string };
  tee: BundleTdx | BundleSnp | null;
  tpm: BundleTpm | null;
}

/** SHA3-256 over the RFC 8785 form: the digest the genesis record carries. */
export function bundleDigest(b: EvidenceBundle): string {
  return toHex(sha3_256(canonicalJson(b)));
}

/** Shape check with stable codes; contents are checked by verifyBundle. */
export function parseBundle(v: unknown): EvidenceBundle {
  if (!isJsonObject(v)) fail('BUNDLE_INVALID', 'an evidence bundle must be a JSON object');
  if (v['format'] !== BUNDLE_FORMAT)
    fail('BUNDLE_INVALID', `unknown bundle format ${String(v['format'])} (expected ${BUNDLE_FORMAT})`);
  for (const k of ['created', 'nonce', 'binding'] as const)
    if (typeof v[k] !== 'string') fail('BUNDLE_INVALID', `bundle.${k} must be a string`);
  const keys = v['keys'];
  if (
    !isJsonObject(keys) ||
    typeof keys['ed25519_spki_b64'] !== 'string' ||
    typeof keys['ml_dsa_65_spki_b64'] !== 'string'
  ) {
    fail('BUNDLE_INVALID', 'bundle.keys must carry ed25519_spki_b64 and ml_dsa_65_spki_b64');
  }
  const tee = v['tee'];
  if (tee !== null && !(isJsonObject(tee) && (tee['kind'] === 'tdx' || tee['kind'] === 'sev-snp')))
    fail('BUNDLE_INVALID', 'bundle.tee must be null or a tdx / sev-snp object');
  const tpm = v['tpm'];
  if (tpm !== null && !(isJsonObject(tpm) && isJsonObject(tpm['quote'])))
    fail('BUNDLE_INVALID', 'bundle.tpm must be null or carry a quote');
  if (!isJsonObject(v['software'])) fail('BUNDLE_INVALID', 'bundle.software must be an object');
  return v as unknown as EvidenceBundle;
}

import { fail } from '#core/errors.js';
import { fromHex } from '#core/encoding.js';
import { isJsonObject, parseJson, type JsonObject } from '#core/canonical-json.js';

/**
 * QuoteCollateralV3 (the layout of dcap-qvl and Intel's `sgx_ql_qve_collateral_t`): issuer chains PEM,
 * CRLs DER (hex in JSON), TCB Info and QE Identity as the exact signed JSON text plus hex r‖s signatures.
 * Signatures are checked over the exact bytes served by PCS, never over a re-serialisation
 * (reference/tee-evidence-layouts.md §3.3 item 9).
 */
export interface DcapCollateral {
  pckCrlIssuerChain: string;
  rootCaCrl: Uint8Array;
  pckCrl: Uint8Array;
  tcbInfoIssuerChain: string;
  /** Exact text of the "tcbInfo" JSON value. */
  tcbInfo: string;
  tcbInfoSignature: Uint8Array;
  qeIdentityIssuerChain: string;
  /** Exact text of the "enclaveIdentity" JSON value. */
  qeIdentity: string;
  qeIdentitySignature: Uint8Array;
}

function str(o: JsonObject, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail('DCAP_COLLATERAL_INVALID', `${what}: field ${k} must be a string`);
  return v;
}

/** Parses collateral JSON text (the CLI's --collateral file). */
export function parseDcapCollateral(text: string): DcapCollateral {
  const v = parseJson(text, 'collateral');
  if (!isJsonObject(v)) fail('DCAP_COLLATERAL_INVALID', 'collateral must be a JSON object');
  const w = 'collateral';
  try {
    return {
      pckCrlIssuerChain: str(v, 'pck_crl_issuer_chain', w),
      rootCaCrl: fromHex(str(v, 'root_ca_crl', w), 'root_ca_crl'),
      pckCrl: fromHex(str(v, 'pck_crl', w), 'pck_crl'),
      tcbInfoIssuerChain: str(v, 'tcb_info_issuer_chain', w),
      tcbInfo: str(v, 'tcb_info', w),
      tcbInfoSignature: fromHex(str(v, 'tcb_info_signature', w), 'tcb_info_signature'),
      qeIdentityIssuerChain: str(v, 'qe_identity_issuer_chain', w),
      qeIdentity: str(v, 'qe_identity', w),
      qeIdentitySignature: fromHex(str(v, 'qe_identity_signature', w), 'qe_identity_signature'),
    };
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENCODING_INVALID') {
      fail('DCAP_COLLATERAL_INVALID', `collateral: ${e.message}`);
    }
    throw e;
  }
}

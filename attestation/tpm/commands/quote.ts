import { ByteWriter } from '#core/bytes.js';
import {
  EMPTY_PASSWORD,
  encodeCommand,
  expectEnd,
  paramReader,
  type TpmCommand,
  type TpmResponse,
} from '../command.js';
import { TPM_ALG, TPM_CC } from '../constants.js';
import { getTpm2b, putPcrSelection, putTpm2b, type PcrSelection } from '../marshal.js';
import { parseSignature, type TpmtSignature } from '../signature.js';

/**
 * TPM2_Quote (Part 3 §18.4). inScheme TPM_ALG_NULL makes the TPM use the key's own scheme, which a restricted
 * signing key must have.
 */
export function quote(
  signHandle: number,
  qualifyingData: Uint8Array,
  pcrSelect: readonly PcrSelection[],
): TpmCommand {
  const w = new ByteWriter();
  putTpm2b(w, qualifyingData);
  w.u16be(TPM_ALG.NULL);
  putPcrSelection(w, pcrSelect);
  return encodeCommand(TPM_CC.Quote, [signHandle], [EMPTY_PASSWORD], w.finish());
}

export interface QuoteResult {
  /** TPM2B_ATTEST contents: the marshalled TPMS_ATTEST that was signed. */
  quoted: Uint8Array;
  /** The marshalled TPMT_SIGNATURE. */
  signatureBytes: Uint8Array;
  signature: TpmtSignature;
}

export function parseQuote(resp: TpmResponse): QuoteResult {
  const r = paramReader(resp, 'Quote');
  const quoted = getTpm2b(r, 'quoted');
  const signatureBytes = r.bytes(r.remaining, 'signature');
  expectEnd(r, 'Quote');
  return { quoted, signatureBytes, signature: parseSignature(signatureBytes) };
}

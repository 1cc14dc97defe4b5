import { toHex } from '#core/encoding.js';
import type { PcrSelection } from '#attestation/tpm/marshal.js';
import { objectName } from '#attestation/tpm/public.js';
import { quoteToJson, type TpmQuoteJson } from '#attestation/tpm/quote-json.js';
import { makeQuote, type AkAlgorithm } from './quote-flow.js';
import type { Tpm2 } from './tpm2.js';

/** The `tpm` member of an evidence bundle as the collector produces it. */
export interface TpmEvidence {
  quote: TpmQuoteJson;
  /** True for swtpm: verify-bundle rejects it unless --allow-simulated. */
  simulated: boolean;
  description: string;
  /** Hex Name of the AK (nameAlg ‖ SHA-256(TPMT_PUBLIC)), for pinning in the log's genesis record. */
  ak_name_hex: string;
}

/**
 * Quotes `pcrs` with `qualifyingData` (DESIGN.md evidence flow: the first 32 bytes of the binding digest) and packs
 * the result for the bundle.
 */
export async function collectTpmEvidence(
  tpm: Tpm2,
  opts: { pcrs: PcrSelection[]; qualifyingData: Uint8Array; akAlgorithm?: AkAlgorithm },
): Promise<TpmEvidence> {
  const q = await makeQuote(tpm, opts);
  return {
    quote: quoteToJson(q),
    simulated: tpm.transport.simulated,
    description: tpm.transport.description,
    ak_name_hex: toHex(objectName(q.akPublic)),
  };
}

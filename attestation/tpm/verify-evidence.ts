import { quoteFromJson } from './quote-json.js';
import { verifyQuote, type QuoteExpectations, type VerifiedQuote } from './verify-quote.js';

/**
 * The bundle-facing entry point: parses the `tpm` member of an evidence bundle (quote-json.ts) and verifies it.
 * The caller supplies qualifyingData = first 32 bytes of the binding digest (DESIGN.md, Evidence flow).
 */
export function verifyTpmEvidence(tpm: unknown, exp: QuoteExpectations): VerifiedQuote {
  return verifyQuote(quoteFromJson(tpm), exp);
}

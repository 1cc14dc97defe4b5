/**
 * TPM 2.0 structures, command marshalling and quote verification (pure; no device access).
 * Names follow TCG TPM 2.0 Library Parts 2 and 3.
 */
export * from './constants.js';
export { decodeRc, tpmRcError, MAPPED_RC_CODES, type DecodedRc } from './rc.js';
export {
  encodeCommand,
  decodeResponse,
  EMPTY_PASSWORD,
  policyAuth,
  type AuthCommand,
  type TpmCommand,
  type TpmResponse,
} from './command.js';
export { marshalPcrSelection, parsePcrSpec, normalizeSelection, type PcrSelection } from './marshal.js';
export {
  marshalPublic,
  marshalPublic2b,
  parsePublic,
  parsePublic2b,
  objectName,
  publicKeyObject,
  type TpmtPublic,
} from './public.js';
export { srkTemplate, akEccTemplate, akRsaTemplate, sealedDataTemplate } from './templates.js';
export { parseQuoteAttest, marshalQuoteAttest, type TpmsAttestQuote } from './attest.js';
export type { ClockInfo } from './clock-info.js';
export { parseSignature, marshalSignature, verifySignature, type TpmtSignature } from './signature.js';
export { pcrCompositeDigest, policyPcrDigest, selectPcrValues, type PcrValue } from './pcr-values.js';
export {
  verifyQuote,
  isLater,
  type TpmQuote,
  type QuoteExpectations,
  type VerifiedQuote,
} from './verify-quote.js';
export { quoteToJson, quoteFromJson, type TpmQuoteJson } from './quote-json.js';
export { tpm2CheckquoteFiles, serializePcrs, pcrListSpec, type Tpm2ToolsFiles } from './tpm2-tools-files.js';
export { verifyTpmEvidence } from './verify-evidence.js';
export { makeCredential } from './credential.js';
export { ekEccTemplate, EK_POLICY_A_SHA256 } from './templates.js';
export { verifyEkCertificate, type EkCertResult } from './ek-cert.js';
export { ekRsaTemplate } from './templates.js';
export {
  parseEventLog,
  replayEventLog,
  checkEventLog,
  EV_NO_ACTION,
  type EventLog,
  type LogEvent,
} from './event-log.js';

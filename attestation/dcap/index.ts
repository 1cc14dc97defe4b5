/**
 * Intel DCAP (SGX quote v3, TDX quote v4 / v5): parse, serialize, verify offline.
 * Entry point for other layers; see docs/auditor-guide.md for the checks and their order.
 */
export {
  parseDcapQuote,
  serializeDcapQuote,
  serializeQuoteSignedRegion,
  serializeQeReport,
  trailingIsPadding,
  TEE_TYPE_SGX,
  TEE_TYPE_TDX,
  ATT_KEY_TYPE_ECDSA_P256,
  CERT_TYPE_PCK_CHAIN,
  CERT_TYPE_QE_REPORT,
  HEADER_SIZE,
} from './quote.js';
export type { DcapQuote, QuoteHeader, QuoteBody, QeCertificationData } from './quote.js';
export { parseDcapCollateral } from './collateral.js';
export type { DcapCollateral } from './collateral.js';
export { parseTcbInfo, parseQeIdentity } from './tcb-info.js';
export type {
  TcbInfo,
  QeIdentity,
  TcbStatus,
  PlatformTcbLevel,
  IsvTcbLevel,
  TdxModuleIdentity,
} from './tcb-info.js';
export { verifyDcapQuote, dcapMeasurements } from './verify.js';
export type { DcapVerdict, DcapVerifyOptions } from './verify.js';
export { pckExtensions } from './pck-extensions.js';
export type { PckExtensions } from './pck-extensions.js';
export {
  tdxTcbHigherOrEqual,
  selectPlatformLevel,
  matchTcbLevels,
  checkTdxModule,
  tdRelaunchStatus,
  converge,
} from './tcb-level.js';
export { dcapQuoteJson } from './quote-json.js';
export type { SgxReportBody } from '../sgx/report-body.js';
export type { TdReportBody } from '../tdx/td-report-body.js';
export { INTEL_TRUST_ANCHORS, INTEL_SGX_ROOT_CA_SHA256 } from '../trust/anchors.js';
export type { DcapTrustAnchors } from '../trust/anchors.js';

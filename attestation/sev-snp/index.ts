/**
 * AMD SEV-SNP attestation reports (v2, v3/v4, v5): parse, serialize, verify offline against a VCEK or VLEK.
 * Entry point for other layers; see docs/auditor-guide.md.
 */
export {
  parseSnpReport,
  serializeSnpReport,
  serializeSnpSignedRegion,
  snpSignatureP1363,
  snpSignatureFromP1363,
  snpSigningKey,
  productFromCpuid,
  snpPolicyDebug,
  SNP_REPORT_SIZE,
  SNP_SIGNED_SIZE,
} from './report.js';
export type { SnpReport } from './report.js';
export { decodeTcb, encodeTcb } from './tcb.js';
export type { SnpTcb } from './tcb.js';
export { vekExtensions, productFromName } from './vek-extensions.js';
export type { VekExtensions } from './vek-extensions.js';
export { verifySnpReport, vekCerts, snpMeasurements } from './verify.js';
export type { SnpVerdict, SnpVerifyOptions } from './verify.js';
export { snpReportJson } from './report-json.js';
export { extractSnpReport } from './containers.js';
export { AMD_PINNED_SHA256, defaultAmdRoots } from '../trust/anchors.js';
export type { SnpTrustAnchors, SnpProduct } from '../trust/anchors.js';

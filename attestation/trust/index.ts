/** Pinned vendor roots and operator-supplied trust anchors. */
export {
  INTEL_SGX_ROOT_CA_SHA256,
  INTEL_TRUST_ANCHORS,
  AMD_PINNED_SHA256,
  defaultAmdRoots,
} from './anchors.js';
export type { DcapTrustAnchors, SnpTrustAnchors, SnpProduct } from './anchors.js';
export { certsFromBlob, dcapAnchorsFromCerts, snpAnchorsFromCerts } from './from-certs.js';
export type { Cert } from '../abi-common/x509.js';

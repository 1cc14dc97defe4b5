import { ByteWriter, concatBytes, utf8 } from '../../src/core/bytes.js';
import { fail } from '../../src/core/errors.js';

/**
 * Byte-exact writer for Intel TDX DCAP Quote v4 (Intel TDX DCAP Quoting Library API, Appendix A "TD Quote
 * Format"; offsets in tee-evidence-layouts.md §1–§3.2). The simulator's own builder: the issue-3 parser in
 * attestation/dcap reads these bytes back and must re-serialize them identically (tests/firmware-sim/tee).
 */
export const QUOTE_V4 = 4;
export const ATT_KEY_TYPE_ECDSA_P256 = 2;
export const TEE_TYPE_TDX = 0x81;
/** Intel's QE vendor ID (the simulated QE claims to be Intel's QE; trust comes only from the PCK chain). */
export const INTEL_QE_VENDOR_ID = Uint8Array.from(Buffer.from('939a7233f79c4ca9940a0db3957f0607', 'hex'));
export const CERT_TYPE_PCK_CHAIN = 5;
export const CERT_TYPE_QE_REPORT = 6;
export const TD_REPORT_BODY_SIZE = 584;
export const SGX_REPORT_BODY_SIZE = 384;

/** TD report body v1.0 (`sgx_report2_body_t`, §2.4). */
export interface TdReportBodyFields {
  teeTcbSvn: Uint8Array; // 16
  mrSeam: Uint8Array; // 48
  mrSignerSeam: Uint8Array; // 48
  seamAttributes: Uint8Array; // 8
  tdAttributes: Uint8Array; // 8
  xfam: Uint8Array; // 8
  mrTd: Uint8Array; // 48
  mrConfigId: Uint8Array; // 48
  mrOwner: Uint8Array; // 48
  mrOwnerConfig: Uint8Array; // 48
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array]; // 4 × 48
  reportData: Uint8Array; // 64
}

/** SGX enclave report body (`sgx_report_body_t`, §2.3): the QE report. */
export interface SgxReportBodyFields {
  cpuSvn: Uint8Array; // 16
  miscSelect: number;
  isvExtProdId: Uint8Array; // 16
  attributes: Uint8Array; // 16
  mrEnclave: Uint8Array; // 32
  mrSigner: Uint8Array; // 32
  configId: Uint8Array; // 64
  isvProdId: number;
  isvSvn: number;
  configSvn: number;
  isvFamilyId: Uint8Array; // 16
  reportData: Uint8Array; // 64
}

function fixed(w: ByteWriter, b: Uint8Array, n: number, field: string): ByteWriter {
  if (b.length !== n) fail('TEE_SIM_FIELD_SIZE', `${field} must be ${n} bytes, got ${b.length}`);
  return w.bytes(b);
}

export function writeQuoteHeaderV4(userData: Uint8Array): Uint8Array {
  const w = new ByteWriter().u16le(QUOTE_V4).u16le(ATT_KEY_TYPE_ECDSA_P256).u32le(TEE_TYPE_TDX);
  w.u16le(0).u16le(0); // reserved (0 in every real TDX quote examined, §1)
  fixed(w, INTEL_QE_VENDOR_ID, 16, 'qe_vendor_id');
  return fixed(w, userData, 20, 'user_data').finish();
}

export function writeTdReportBody(b: TdReportBodyFields): Uint8Array {
  const w = new ByteWriter();
  fixed(w, b.teeTcbSvn, 16, 'TEE_TCB_SVN');
  fixed(w, b.mrSeam, 48, 'MRSEAM');
  fixed(w, b.mrSignerSeam, 48, 'MRSIGNERSEAM');
  fixed(w, b.seamAttributes, 8, 'SEAMATTRIBUTES');
  fixed(w, b.tdAttributes, 8, 'TDATTRIBUTES');
  fixed(w, b.xfam, 8, 'XFAM');
  fixed(w, b.mrTd, 48, 'MRTD');
  fixed(w, b.mrConfigId, 48, 'MRCONFIGID');
  fixed(w, b.mrOwner, 48, 'MROWNER');
  fixed(w, b.mrOwnerConfig, 48, 'MROWNERCONFIG');
  b.rtmr.forEach((r, i) => fixed(w, r, 48, `RTMR${i}`));
  return fixed(w, b.reportData, 64, 'REPORTDATA').finish();
}

export function writeSgxReportBody(b: SgxReportBodyFields): Uint8Array {
  const w = new ByteWriter();
  fixed(w, b.cpuSvn, 16, 'CPUSVN').u32le(b.miscSelect).zeros(12);
  fixed(w, b.isvExtProdId, 16, 'ISVEXTPRODID');
  fixed(w, b.attributes, 16, 'ATTRIBUTES');
  fixed(w, b.mrEnclave, 32, 'MRENCLAVE').zeros(32);
  fixed(w, b.mrSigner, 32, 'MRSIGNER').zeros(32);
  fixed(w, b.configId, 64, 'CONFIGID').u16le(b.isvProdId).u16le(b.isvSvn).u16le(b.configSvn).zeros(42);
  fixed(w, b.isvFamilyId, 16, 'ISVFAMILYID');
  return fixed(w, b.reportData, 64, 'REPORTDATA').finish();
}

export interface QeCertification {
  qeReport: Uint8Array; // 384
  qeReportSignature: Uint8Array; // 64 r‖s by the PCK key
  qeAuthData: Uint8Array;
  /** PEM chain leaf → root; written NUL-terminated as Intel's QE does. */
  pckChainPem: string;
}

/** `sgx_qe_report_certification_data_t` wrapped as certification data type 6 (§3.2). */
export function writeQeCertificationData(c: QeCertification): Uint8Array {
  const chain = concatBytes(utf8.encode(c.pckChainPem), Uint8Array.of(0));
  const inner = new ByteWriter();
  fixed(inner, c.qeReport, SGX_REPORT_BODY_SIZE, 'QE report');
  fixed(inner, c.qeReportSignature, 64, 'QE report signature');
  inner.u16le(c.qeAuthData.length).bytes(c.qeAuthData);
  inner.u16le(CERT_TYPE_PCK_CHAIN).u32le(chain.length).bytes(chain);
  const body = inner.finish();
  return new ByteWriter().u16le(CERT_TYPE_QE_REPORT).u32le(body.length).bytes(body).finish();
}

/** Signature data v4: quote signature r‖s, attestation key x‖y, QE certification data. */
export function writeSignatureData(signature: Uint8Array, attestationKey: Uint8Array, qeCert: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  fixed(w, signature, 64, 'quote signature');
  fixed(w, attestationKey, 64, 'attestation key');
  return w.bytes(qeCert).finish();
}

/** header ‖ body ‖ signature_data_len ‖ signature data. The signed region is header ‖ body (§2.2). */
export function assembleQuoteV4(signedRegion: Uint8Array, signatureData: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(signedRegion).u32le(signatureData.length).bytes(signatureData).finish();
}

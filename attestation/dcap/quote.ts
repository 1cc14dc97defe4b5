import { ByteReader, ByteWriter, isAllZero } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { take } from '../abi-common/fields.js';
import { parseSgxReportBody, writeSgxReportBody, type SgxReportBody } from '../sgx/report-body.js';
import {
  parseTdReportBody,
  writeTdReportBody,
  TD_REPORT_10_SIZE,
  TD_REPORT_15_SIZE,
  type TdReportBody,
} from '../tdx/td-report-body.js';
import { SGX_REPORT_BODY_SIZE } from '../sgx/report-body.js';

/**
 * Intel DCAP quotes: SGX v3 (`sgx_quote_3.h`), TDX v4 (`sgx_quote_4.h`) and v5 (`sgx_quote_5.h`).
 * Layouts: reference/tee-evidence-layouts.md §1–§3 (Intel SGX ECDSA Quote Library API and TDX DCAP Quoting
 * Library API, Appendix A). The parser accepts exactly what the serializer writes, plus trailing zero padding
 * (real sources pad quotes to 8,000 bytes); `signature_data_len` is authoritative.
 */
export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
/** ECDSA-256-with-P-256 (the only attestation key type in use; §1). */
export const ATT_KEY_TYPE_ECDSA_P256 = 2;
/** Certification data types (§3.2). */
export const CERT_TYPE_PCK_CHAIN = 5;
export const CERT_TYPE_QE_REPORT = 6;
export const HEADER_SIZE = 48;

export interface QuoteHeader {
  version: 3 | 4 | 5;
  attKeyType: number;
  /** v4/v5 tee_type; in v3 the reserved att_key_data_0, which must then be 0. */
  teeType: number;
  /** v3 QE / PCE SVN; reserved in v4/v5 (kept verbatim for a byte-exact round trip). */
  qeSvn: number;
  pceSvn: number;
  qeVendorId: Uint8Array; // 16
  userData: Uint8Array; // 20
}

export type QuoteBody = { kind: 'sgx'; report: SgxReportBody } | { kind: 'td'; report: TdReportBody };

/** QE Report Certification Data (type 6 in v4/v5; inline in v3). */
export interface QeCertificationData {
  qeReport: SgxReportBody;
  qeReportSignature: Uint8Array; // 64, r‖s by the PCK key
  qeAuthData: Uint8Array;
  certDataType: number; // 5 = PCK chain (PEM)
  certData: Uint8Array;
}

export interface DcapQuote {
  header: QuoteHeader;
  /** v5 body descriptor type: 1 SGX, 2 TD 1.0, 3 TD 1.5; undefined for v3/v4. */
  bodyType: 1 | 2 | 3 | undefined;
  body: QuoteBody;
  signature: Uint8Array; // 64, r‖s by the attestation key
  attestationKey: Uint8Array; // 64, x‖y
  qe: QeCertificationData;
  /**
   * Bytes after the signature data, kept so that serialize(parse(x)) == x. Zero padding is normal (real
   * sources pad to 8,000 bytes); anything else is reported by the verifier as DCAP_TRAILING_DATA.
   */
  trailing: Uint8Array;
  /** Bytes covered by the quote signature: header (+ v5 descriptor) + body. */
  signedRegion: Uint8Array;
}

function parseHeader(r: ByteReader): QuoteHeader {
  const version = r.u16le('header.version');
  if (version !== 3 && version !== 4 && version !== 5) {
    fail('DCAP_QUOTE_VERSION_UNSUPPORTED', `quote version ${version} is not 3, 4 or 5`, { version });
  }
  const attKeyType = r.u16le('header.att_key_type');
  if (attKeyType !== ATT_KEY_TYPE_ECDSA_P256) {
    fail(
      'DCAP_ATT_KEY_TYPE_UNSUPPORTED',
      `attestation key type ${attKeyType} is not ECDSA-256-with-P-256 (2)`,
    );
  }
  const teeType = r.u32le('header.tee_type');
  if (teeType !== TEE_TYPE_SGX && teeType !== TEE_TYPE_TDX) {
    fail('DCAP_TEE_TYPE_UNSUPPORTED', `tee_type 0x${teeType.toString(16)} is neither SGX (0) nor TDX (0x81)`);
  }
  // §1: SGX ⇒ v3 (v4/v5 SGX bodies are defined but unseen; we accept them only through the v5 descriptor).
  if (version === 3 && teeType !== TEE_TYPE_SGX) fail('DCAP_TEE_TYPE_UNSUPPORTED', 'a v3 quote must be SGX');
  if (version === 4 && teeType !== TEE_TYPE_TDX) fail('DCAP_TEE_TYPE_UNSUPPORTED', 'a v4 quote must be TDX');
  return {
    version,
    attKeyType,
    teeType,
    qeSvn: r.u16le('header.qe_svn'),
    pceSvn: r.u16le('header.pce_svn'),
    qeVendorId: take(r, 16, 'header.qe_vendor_id'),
    userData: take(r, 20, 'header.user_data'),
  };
}

function parseBody(r: ByteReader, h: QuoteHeader): { bodyType: 1 | 2 | 3 | undefined; body: QuoteBody } {
  if (h.version === 3)
    return { bodyType: undefined, body: { kind: 'sgx', report: parseSgxReportBody(r, 'enclave') } };
  if (h.version === 4)
    return { bodyType: undefined, body: { kind: 'td', report: parseTdReportBody(r, '1.0') } };
  const type = r.u16le('body.type');
  const size = r.u32le('body.size');
  const want =
    type === 1 ? SGX_REPORT_BODY_SIZE : type === 2 ? TD_REPORT_10_SIZE : type === 3 ? TD_REPORT_15_SIZE : -1;
  if (want < 0) fail('DCAP_BODY_TYPE_UNSUPPORTED', `v5 body type ${type} is not 1, 2 or 3`);
  if (size !== want)
    fail('DCAP_BODY_TYPE_UNSUPPORTED', `v5 body type ${type} must be ${want} bytes, header says ${size}`);
  if ((type === 1) !== (h.teeType === TEE_TYPE_SGX))
    fail('DCAP_BODY_TYPE_UNSUPPORTED', `v5 body type ${type} does not match tee_type`);
  if (type === 1) return { bodyType: 1, body: { kind: 'sgx', report: parseSgxReportBody(r, 'enclave') } };
  return {
    bodyType: type as 2 | 3,
    body: { kind: 'td', report: parseTdReportBody(r, type === 2 ? '1.0' : '1.5') },
  };
}

/** QE report + signature + auth data + certification data (§3.1 from offset 128, §3.2 inner structure). */
function parseQeCertData(r: ByteReader): QeCertificationData {
  const qeReport = parseSgxReportBody(r, 'qe_report');
  const qeReportSignature = take(r, 64, 'qe_report_signature');
  const authLen = r.u16le('qe_auth_data.size');
  const qeAuthData = take(r, authLen, 'qe_auth_data');
  const certDataType = r.u16le('certification_data.type');
  if (certDataType !== CERT_TYPE_PCK_CHAIN) {
    fail('DCAP_CERT_DATA_UNSUPPORTED', `certification data type ${certDataType} is not a PCK chain (5)`);
  }
  const certLen = r.u32le('certification_data.size');
  const certData = take(r, certLen, 'certification_data');
  return { qeReport, qeReportSignature, qeAuthData, certDataType, certData };
}

export function parseDcapQuote(quote: Uint8Array): DcapQuote {
  const r = new ByteReader(quote, 'quote');
  const header = parseHeader(r);
  const { bodyType, body } = parseBody(r, header);
  const signedRegion = quote.slice(0, r.offset);
  const sigLen = r.u32le('signature_data_len');
  const sigStart = r.offset;
  const sr = new ByteReader(r.bytes(sigLen, 'signature_data'), 'signature data');
  const signature = take(sr, 64, 'quote_signature');
  const attestationKey = take(sr, 64, 'attestation_key');
  let qe: QeCertificationData;
  if (header.version === 3) {
    qe = parseQeCertData(sr);
  } else {
    const outerType = sr.u16le('certification_data.type');
    if (outerType !== CERT_TYPE_QE_REPORT) {
      fail(
        'DCAP_CERT_DATA_UNSUPPORTED',
        `v${header.version} certification data type ${outerType} is not QE report (6)`,
      );
    }
    const outerLen = sr.u32le('certification_data.size');
    const inner = new ByteReader(
      sr.bytes(outerLen, 'qe_report_certification_data'),
      'QE report certification data',
    );
    qe = parseQeCertData(inner);
    if (inner.remaining !== 0) {
      fail(
        'DCAP_SIGNATURE_DATA_LENGTH_MISMATCH',
        `QE report certification data has ${inner.remaining} unexplained bytes`,
      );
    }
  }
  if (sr.remaining !== 0) {
    fail('DCAP_SIGNATURE_DATA_LENGTH_MISMATCH', `signature data has ${sr.remaining} unexplained bytes`, {
      offset: sigStart,
    });
  }
  return {
    header,
    bodyType,
    body,
    signature,
    attestationKey,
    qe,
    trailing: quote.slice(r.offset),
    signedRegion,
  };
}

function writeHeader(w: ByteWriter, h: QuoteHeader): void {
  w.u16le(h.version)
    .u16le(h.attKeyType)
    .u32le(h.teeType)
    .u16le(h.qeSvn)
    .u16le(h.pceSvn)
    .bytes(h.qeVendorId)
    .bytes(h.userData);
}

/** Header (+ v5 body descriptor) + body: exactly the bytes the attestation key signs (§2.2). */
export function serializeQuoteSignedRegion(q: Pick<DcapQuote, 'header' | 'bodyType' | 'body'>): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, q.header);
  if (q.header.version === 5) {
    const type = q.bodyType ?? (q.body.kind === 'sgx' ? 1 : q.body.report.tdReportVersion === '1.0' ? 2 : 3);
    w.u16le(type).u32le(
      type === 1 ? SGX_REPORT_BODY_SIZE : type === 2 ? TD_REPORT_10_SIZE : TD_REPORT_15_SIZE,
    );
  }
  if (q.body.kind === 'sgx') writeSgxReportBody(w, q.body.report);
  else writeTdReportBody(w, q.body.report);
  return w.finish();
}

function qeCertDataBytes(qe: QeCertificationData): Uint8Array {
  const w = new ByteWriter();
  writeSgxReportBody(w, qe.qeReport);
  w.bytes(qe.qeReportSignature)
    .u16le(qe.qeAuthData.length)
    .bytes(qe.qeAuthData)
    .u16le(qe.certDataType)
    .u32le(qe.certData.length)
    .bytes(qe.certData);
  return w.finish();
}

/** The QE report bytes the PCK key signs (384 B). */
export function serializeQeReport(qe: QeCertificationData): Uint8Array {
  const w = new ByteWriter();
  writeSgxReportBody(w, qe.qeReport);
  return w.finish();
}

/** True when nothing but zero padding follows the signature data. */
export function trailingIsPadding(q: Pick<DcapQuote, 'trailing'>): boolean {
  return isAllZero(q.trailing);
}

/** Writes a whole quote; `signedRegion` of the argument is ignored and recomputed from the fields. */
export function serializeDcapQuote(q: Omit<DcapQuote, 'signedRegion'>): Uint8Array {
  const sig = new ByteWriter().bytes(q.signature).bytes(q.attestationKey);
  const qeBytes = qeCertDataBytes(q.qe);
  if (q.header.version === 3) sig.bytes(qeBytes);
  else sig.u16le(CERT_TYPE_QE_REPORT).u32le(qeBytes.length).bytes(qeBytes);
  const sigBytes = sig.finish();
  return new ByteWriter()
    .bytes(serializeQuoteSignedRegion(q))
    .u32le(sigBytes.length)
    .bytes(sigBytes)
    .bytes(q.trailing)
    .finish();
}

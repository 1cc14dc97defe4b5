import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import type { JsonValue } from '#core/canonical-json.js';
import { sgxReportBodyJson } from '../sgx/report-body.js';
import { tdReportBodyJson } from '../tdx/td-report-body.js';
import type { DcapQuote } from './quote.js';

/** The parsed form of a quote as plain JSON (hex for bytes): golden files, `--json` dumps, auditors' diffs. */
export function dcapQuoteJson(q: DcapQuote): JsonValue {
  const h = q.header;
  return {
    header: {
      version: h.version,
      att_key_type: h.attKeyType,
      tee_type: h.teeType,
      qe_svn: h.qeSvn,
      pce_svn: h.pceSvn,
      qe_vendor_id: toHex(h.qeVendorId),
      user_data: toHex(h.userData),
    },
    body_type: q.bodyType ?? null,
    body: {
      kind: q.body.kind,
      ...(q.body.kind === 'sgx' ? sgxReportBodyJson(q.body.report) : tdReportBodyJson(q.body.report)),
    },
    signature: toHex(q.signature),
    attestation_key: toHex(q.attestationKey),
    qe_report: sgxReportBodyJson(q.qe.qeReport),
    qe_report_signature: toHex(q.qe.qeReportSignature),
    qe_auth_data: toHex(q.qe.qeAuthData),
    cert_data_type: q.qe.certDataType,
    cert_data_length: q.qe.certData.length,
    // The PEM chain itself is large and printed by certificate tools; its digest identifies it.
    cert_data_sha256: toHex(sha256(q.qe.certData)),
    trailing_length: q.trailing.length,
    trailing_nonzero: q.trailing.some((b) => b !== 0) ? toHex(q.trailing) : null,
  };
}

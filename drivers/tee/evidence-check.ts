import { bytesEqual } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import type { TeeEvidence } from '#device/tee.js';
import { parseDcapQuote } from '#attestation/dcap/index.js';
import { SNP_REPORT_SIZE } from './sev-abi.js';

/** REPORT_DATA inside the SNP ATTESTATION_REPORT (tee-evidence-layouts.md §4). */
const SNP_REPORT_DATA = { offset: 0x50, size: 64 } as const;

/**
 * Checks that evidence from a real device is what was asked for before anyone relies on it: a TD quote
 * (parsed by attestation/dcap) or a 1,184-byte SNP report whose REPORTDATA equals the requested 64 bytes.
 * A mismatch means a confused kernel, host or race, and the evidence must not be bound to our keys.
 */
export function checkEvidenceBinding(ev: TeeEvidence): void {
  let got: Uint8Array;
  if (ev.tee === 'tdx') {
    const q = parseDcapQuote(ev.quote);
    if (q.body.kind !== 'td')
      fail('TEE_DEVICE_ERROR', 'the TDX guest returned a quote without a TD report body');
    got = q.body.report.reportData;
  } else {
    if (ev.report.length < SNP_REPORT_SIZE) {
      fail('TEE_DEVICE_ERROR', `SNP report is ${ev.report.length} bytes, expected ${SNP_REPORT_SIZE}`);
    }
    got = ev.report.subarray(SNP_REPORT_DATA.offset, SNP_REPORT_DATA.offset + SNP_REPORT_DATA.size);
  }
  if (!bytesEqual(got, ev.reportData)) {
    fail('TEE_REPORT_DATA_MISMATCH', `the ${ev.tee} evidence does not carry the requested REPORTDATA`);
  }
}

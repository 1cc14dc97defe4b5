import { bytesEqual } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { parseDcapQuote } from '#attestation/dcap/index.js';
import type { TdReportFields } from './tdx-abi.js';

/**
 * Cross-checks a TD quote against a TDREPORT the guest just read from /dev/tdx_guest: the quote's TD report
 * body must describe this TD (TDINFO of the TDREPORT: ATTRIBUTES, XFAM, MRTD, MRCONFIGID, MROWNER,
 * MROWNERCONFIG, RTMR0–3) and carry the same REPORTDATA. A mismatch means the quote is not this TD's, or an
 * RTMR was extended between the two requests (then retry). Field correspondence: TDX module ABI TDREPORT_STRUCT
 * (hardware-interfaces.md §6.2) and the TD Quote Body (tee-evidence-layouts.md §2.4).
 */
export function crossCheckTdReport(td: TdReportFields, quote: Uint8Array): void {
  const q = parseDcapQuote(quote);
  if (q.body.kind !== 'td') fail('TEE_TDREPORT_MISMATCH', 'the quote has no TD report body');
  const b = q.body.report;
  const pairs: [string, Uint8Array, Uint8Array][] = [
    ['REPORTDATA', td.reportData, b.reportData],
    ['ATTRIBUTES', td.attributes, b.tdAttributes],
    ['XFAM', td.xfam, b.xfam],
    ['MRTD', td.mrtd, b.mrTd],
    ['MRCONFIGID', td.mrconfigid, b.mrConfigId],
    ['MROWNER', td.mrowner, b.mrOwner],
    ['MROWNERCONFIG', td.mrownerconfig, b.mrOwnerConfig],
    ...b.rtmr.map((r, i): [string, Uint8Array, Uint8Array] => [
      `RTMR${i}`,
      td.rtmrs[i] ?? new Uint8Array(),
      r,
    ]),
  ];
  for (const [name, local, quoted] of pairs) {
    if (!bytesEqual(local, quoted))
      fail('TEE_TDREPORT_MISMATCH', `${name} of the quote differs from this TD's TDREPORT`, { field: name });
  }
}

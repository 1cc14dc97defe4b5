import { ByteReader, ByteWriter } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { take } from '../abi-common/fields.js';

/**
 * TD Quote Body: TD report 1.0 (`sgx_report2_body_t`, 584 B) and 1.5 (`sgx_report2_body_v1_5_t`, 648 B).
 * Intel TDX DCAP Quoting Library API, Appendix A "TD Quote Body"; reference/tee-evidence-layouts.md §2.4.
 * SEAMATTRIBUTES is kept as parsed (the verifier rejects non-zero values, as Intel's QVL does), so that
 * serialize(parse(x)) == x holds for every input the parser accepts.
 */
export const TD_REPORT_10_SIZE = 584;
export const TD_REPORT_15_SIZE = 648;

export interface TdReportBody {
  /** '1.0' or '1.5'. */
  tdReportVersion: '1.0' | '1.5';
  teeTcbSvn: Uint8Array; // 16
  mrSeam: Uint8Array; // 48
  mrSignerSeam: Uint8Array; // 48
  seamAttributes: Uint8Array; // 8
  tdAttributes: Uint8Array; // 8 (u64 LE)
  xfam: Uint8Array; // 8
  mrTd: Uint8Array; // 48
  mrConfigId: Uint8Array; // 48
  mrOwner: Uint8Array; // 48
  mrOwnerConfig: Uint8Array; // 48
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array]; // 4 × 48
  reportData: Uint8Array; // 64
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array; // 16
  mrServiceTd?: Uint8Array; // 48
}

export function parseTdReportBody(r: ByteReader, version: '1.0' | '1.5'): TdReportBody {
  const b: TdReportBody = {
    tdReportVersion: version,
    teeTcbSvn: take(r, 16, 'td.tee_tcb_svn'),
    mrSeam: take(r, 48, 'td.mrseam'),
    mrSignerSeam: take(r, 48, 'td.mrsignerseam'),
    seamAttributes: take(r, 8, 'td.seamattributes'),
    tdAttributes: take(r, 8, 'td.tdattributes'),
    xfam: take(r, 8, 'td.xfam'),
    mrTd: take(r, 48, 'td.mrtd'),
    mrConfigId: take(r, 48, 'td.mrconfigid'),
    mrOwner: take(r, 48, 'td.mrowner'),
    mrOwnerConfig: take(r, 48, 'td.mrownerconfig'),
    rtmr: [
      take(r, 48, 'td.rtmr0'),
      take(r, 48, 'td.rtmr1'),
      take(r, 48, 'td.rtmr2'),
      take(r, 48, 'td.rtmr3'),
    ],
    reportData: take(r, 64, 'td.reportdata'),
  };
  if (version === '1.5') {
    b.teeTcbSvn2 = take(r, 16, 'td.tee_tcb_svn2');
    b.mrServiceTd = take(r, 48, 'td.mrservicetd');
  }
  return b;
}

export function writeTdReportBody(w: ByteWriter, b: TdReportBody): void {
  w.bytes(b.teeTcbSvn)
    .bytes(b.mrSeam)
    .bytes(b.mrSignerSeam)
    .bytes(b.seamAttributes)
    .bytes(b.tdAttributes)
    .bytes(b.xfam)
    .bytes(b.mrTd)
    .bytes(b.mrConfigId)
    .bytes(b.mrOwner)
    .bytes(b.mrOwnerConfig);
  for (const m of b.rtmr) w.bytes(m);
  w.bytes(b.reportData);
  if (b.tdReportVersion === '1.5') {
    w.bytes(b.teeTcbSvn2 ?? new Uint8Array(16)).bytes(b.mrServiceTd ?? new Uint8Array(48));
  }
}

/** TDATTRIBUTES as a u64 (little-endian): bit 0 TUD.DEBUG, bit 28 SEPT_VE_DISABLE, bit 63 PERFMON. */
export function tdAttributesU64(b: TdReportBody): bigint {
  return Buffer.from(b.tdAttributes).readBigUInt64LE(0);
}

export function tdIsDebug(b: TdReportBody): boolean {
  return (tdAttributesU64(b) & 1n) !== 0n;
}

export function tdReportBodyJson(b: TdReportBody): Record<string, string | string[]> {
  const j: Record<string, string | string[]> = {
    td_report_version: b.tdReportVersion,
    tee_tcb_svn: toHex(b.teeTcbSvn),
    mr_seam: toHex(b.mrSeam),
    mr_signer_seam: toHex(b.mrSignerSeam),
    seam_attributes: toHex(b.seamAttributes),
    td_attributes: toHex(b.tdAttributes),
    xfam: toHex(b.xfam),
    mr_td: toHex(b.mrTd),
    mr_config_id: toHex(b.mrConfigId),
    mr_owner: toHex(b.mrOwner),
    mr_owner_config: toHex(b.mrOwnerConfig),
    rtmrs: b.rtmr.map(toHex),
    report_data: toHex(b.reportData),
  };
  if (b.teeTcbSvn2 !== undefined) j['tee_tcb_svn2'] = toHex(b.teeTcbSvn2);
  if (b.mrServiceTd !== undefined) j['mr_service_td'] = toHex(b.mrServiceTd);
  return j;
}

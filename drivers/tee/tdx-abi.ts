import { fail } from '#core/errors.js';
import { REPORT_DATA_LEN } from '#device/tee.js';
import { iowr } from './ioctl.js';

/**
 * /dev/tdx_guest ABI (include/uapi/linux/tdx-guest.h; hardware-interfaces.md §6.2).
 * struct tdx_report_req { __u8 reportdata[64]; __u8 tdreport[1024]; } — 1,088 bytes.
 */
export const TDX_REPORT_REQ = {
  size: 1088,
  reportdata: { offset: 0, size: 64 },
  tdreport: { offset: 64, size: 1024 },
} as const;

/** TDX_CMD_GET_REPORT0 = _IOWR('T', 1, struct tdx_report_req) = 0xC4405401. */
export const TDX_CMD_GET_REPORT0 = iowr('T', 1, TDX_REPORT_REQ.size);

/**
 * TDREPORT_STRUCT (1,024 bytes, Intel TDX module ABI; offsets as pinned in hardware-interfaces.md §6.2).
 * Only the fields a caller needs to cross-check a quote are named here.
 */
export const TDREPORT = {
  size: 1024,
  reportType: { offset: 0, size: 4 },
  cpusvn: { offset: 16, size: 16 },
  teeTcbInfoHash: { offset: 32, size: 48 },
  teeInfoHash: { offset: 80, size: 48 },
  reportData: { offset: 128, size: 64 },
  mac: { offset: 224, size: 32 },
  teeTcbInfo: { offset: 256, size: 239 },
  attributes: { offset: 512, size: 8 },
  xfam: { offset: 520, size: 8 },
  mrtd: { offset: 528, size: 48 },
  mrconfigid: { offset: 576, size: 48 },
  mrowner: { offset: 624, size: 48 },
  mrownerconfig: { offset: 672, size: 48 },
  rtmr: { offset: 720, size: 48, count: 4 },
  servtdHash: { offset: 912, size: 48 },
} as const;

/** REPORTTYPE.TYPE for TDX (byte 0 of REPORTMACSTRUCT). */
export const TDREPORT_TYPE_TDX = 0x81;

export function checkReportData(reportData: Uint8Array): void {
  if (reportData.length !== REPORT_DATA_LEN) {
    fail('TEE_REPORT_DATA_INVALID', `report data must be ${REPORT_DATA_LEN} bytes, got ${reportData.length}`);
  }
}

/** Lays out a tdx_report_req with the caller's report data and an empty tdreport for the kernel to fill. */
export function encodeTdxReportReq(reportData: Uint8Array): Uint8Array {
  checkReportData(reportData);
  const req = new Uint8Array(TDX_REPORT_REQ.size);
  req.set(reportData, TDX_REPORT_REQ.reportdata.offset);
  return req;
}

export interface TdReportFields {
  type: number;
  reportData: Uint8Array;
  /** TDINFO.ATTRIBUTES (the TD attributes a quote carries as TDATTRIBUTES). */
  attributes: Uint8Array;
  xfam: Uint8Array;
  mrtd: Uint8Array;
  mrconfigid: Uint8Array;
  mrowner: Uint8Array;
  mrownerconfig: Uint8Array;
  rtmrs: Uint8Array[];
  raw: Uint8Array;
}

/** Extracts the TDREPORT from a completed request and checks its type byte. */
export function decodeTdxReportReq(req: Uint8Array): TdReportFields {
  if (req.length !== TDX_REPORT_REQ.size) {
    fail('PARSE_TRUNCATED', `tdx_report_req must be ${TDX_REPORT_REQ.size} bytes, got ${req.length}`);
  }
  const raw = req.slice(TDX_REPORT_REQ.tdreport.offset, TDX_REPORT_REQ.tdreport.offset + TDREPORT.size);
  const field = (f: { offset: number; size: number }): Uint8Array => raw.slice(f.offset, f.offset + f.size);
  const type = raw[TDREPORT.reportType.offset] as number;
  if (type !== TDREPORT_TYPE_TDX) {
    fail('TEE_DEVICE_ERROR', `TDREPORT type is 0x${type.toString(16)}, expected 0x81 (TDX)`);
  }
  const rtmrs: Uint8Array[] = [];
  for (let i = 0; i < TDREPORT.rtmr.count; i++) {
    const o = TDREPORT.rtmr.offset + i * TDREPORT.rtmr.size;
    rtmrs.push(raw.slice(o, o + TDREPORT.rtmr.size));
  }
  return {
    type,
    reportData: field(TDREPORT.reportData),
    attributes: field(TDREPORT.attributes),
    xfam: field(TDREPORT.xfam),
    mrtd: field(TDREPORT.mrtd),
    mrconfigid: field(TDREPORT.mrconfigid),
    mrowner: field(TDREPORT.mrowner),
    mrownerconfig: field(TDREPORT.mrownerconfig),
    rtmrs,
    raw,
  };
}

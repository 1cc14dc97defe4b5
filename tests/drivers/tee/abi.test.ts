import { describe, expect, it } from 'vitest';
import { ByteReader } from '#core/bytes.js';
import { ioc, iowr } from '#drivers/tee/ioctl.js';
import {
  TDREPORT,
  TDX_CMD_GET_REPORT0,
  TDX_REPORT_REQ,
  decodeTdxReportReq,
  encodeTdxReportReq,
} from '#drivers/tee/tdx-abi.js';
import {
  SNP_GET_DERIVED_KEY,
  SNP_GET_EXT_REPORT,
  SNP_GET_REPORT,
  SNP_REPORT_SIZE,
  decodeSnpGuestRequestErrors,
  decodeSnpReportResp,
  encodeSnpExtReportReq,
  encodeSnpGuestRequest,
  encodeSnpReportReq,
} from '#drivers/tee/sev-abi.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => i + 1);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('ioctl request numbers (uapi headers, hardware-interfaces.md §6.2–6.3)', () => {
  it('match the values compiled from linux-libc-dev', () => {
    expect(TDX_CMD_GET_REPORT0).toBe(0xc4405401);
    expect(SNP_GET_REPORT).toBe(0xc0205300);
    expect(SNP_GET_DERIVED_KEY).toBe(0xc0205301);
    expect(SNP_GET_EXT_REPORT).toBe(0xc0205302);
  });

  it('encodes direction, size, type and number in their bit fields', () => {
    expect(iowr('T', 1, 1088)).toBe(ioc(3, 'T', 1, 1088));
    expect(ioc(2, 'S', 0, 32)).toBe(0x80205300);
    expect(() => ioc(3, 'S', 0, 1 << 14)).toThrow(RangeError);
  });
});

describe('struct tdx_report_req', () => {
  it('is 1,088 bytes with reportdata first and the 1,024-byte tdreport after it', () => {
    const req = encodeTdxReportReq(rd);
    expect(req.length).toBe(1088);
    expect(TDX_REPORT_REQ.tdreport).toEqual({ offset: 64, size: 1024 });
    expect([...req.subarray(0, 64)]).toEqual([...rd]);
    expect(req.subarray(64).every((b) => b === 0)).toBe(true);
  });

  it('rejects report data that is not 64 bytes', () => {
    expect(code(() => encodeTdxReportReq(new Uint8Array(32)))).toBe('TEE_REPORT_DATA_INVALID');
  });

  it('decodes REPORTDATA at 128 and MRTD at 528 of the TDREPORT and checks the type byte', () => {
    expect(TDREPORT.rtmr.offset + 4 * 48).toBe(TDREPORT.servtdHash.offset);
    expect(TDREPORT.mrtd.offset).toBe(528);
    const req = encodeTdxReportReq(rd);
    const base = TDX_REPORT_REQ.tdreport.offset;
    req[base] = 0x81;
    req.set(rd, base + 128);
    req.fill(0xaa, base + 528, base + 576);
    req.fill(0x33, base + 720 + 48 * 3, base + 720 + 48 * 4);
    const f = decodeTdxReportReq(req);
    expect([...f.reportData]).toEqual([...rd]);
    expect(f.mrtd.every((b) => b === 0xaa)).toBe(true);
    expect(f.rtmrs[3]?.every((b) => b === 0x33)).toBe(true);
    req[base] = 0;
    expect(code(() => decodeTdxReportReq(req))).toBe('TEE_DEVICE_ERROR');
    expect(code(() => decodeTdxReportReq(req.subarray(0, 100)))).toBe('PARSE_TRUNCATED');
  });
});

describe('SEV guest structs', () => {
  it('snp_report_req is 96 bytes: user_data, vmpl at 64, 28 reserved zero bytes', () => {
    const req = encodeSnpReportReq(rd, 2);
    expect(req.length).toBe(96);
    expect([...req.subarray(0, 64)]).toEqual([...rd]);
    expect(new ByteReader(req.subarray(64, 68)).u32le()).toBe(2);
    expect(req.subarray(68).every((b) => b === 0)).toBe(true);
    expect(code(() => encodeSnpReportReq(rd, 4))).toBe('TEE_VMPL_INVALID');
  });

  it('snp_ext_report_req is 112 bytes with certs_address at 96 and certs_len at 104', () => {
    const req = encodeSnpExtReportReq(rd, 0, 0x1122334455667788n, 0x4000);
    expect(req.length).toBe(112);
    const r = new ByteReader(req.subarray(96));
    expect(r.u64le()).toBe(0x1122334455667788n);
    expect(r.u32le()).toBe(0x4000);
  });

  it('snp_guest_request_ioctl is 32 bytes: msg_version 1, req_data at 8, resp_data at 16, errors at 24/28', () => {
    const s = encodeSnpGuestRequest(0xaan, 0xbbn);
    expect(s.length).toBe(32);
    expect(s[0]).toBe(1);
    const r = new ByteReader(s);
    r.skip(8);
    expect(r.u64le()).toBe(0xaan);
    expect(r.u64le()).toBe(0xbbn);
    s.set([0x16, 0, 0, 0, 1, 0, 0, 0], 24);
    expect(decodeSnpGuestRequestErrors(s)).toEqual({ fwError: 0x16, vmmError: 1 });
  });

  it('snp_report_resp carries status, report_size and the 1,184-byte report at 0x20', () => {
    const resp = new Uint8Array(4000);
    resp.set([0xa0, 0x04], 4);
    resp.fill(7, 0x20, 0x20 + SNP_REPORT_SIZE);
    const rep = decodeSnpReportResp(resp);
    expect(rep.length).toBe(0x4a0);
    expect(rep.every((b) => b === 7)).toBe(true);
    resp[0] = 0x16;
    expect(code(() => decodeSnpReportResp(resp))).toBe('TEE_FIRMWARE_ERROR');
    resp[0] = 0;
    resp[4] = 0;
    expect(code(() => decodeSnpReportResp(resp))).toBe('TEE_DEVICE_ERROR');
  });
});

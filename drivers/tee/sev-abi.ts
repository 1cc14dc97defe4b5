import { ByteReader, ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { checkReportData } from './tdx-abi.js';
import { iowr } from './ioctl.js';

/**
 * /dev/sev-guest ABI (include/uapi/linux/sev-guest.h; sizes and offsets in hardware-interfaces.md §6.3).
 * Pointers inside these structs are user-space addresses; the driver lays the structs out in native memory.
 */

/** struct snp_guest_request_ioctl (32 B). */
export const SNP_GUEST_REQUEST = {
  size: 32,
  msgVersion: 0,
  reqData: 8,
  respData: 16,
  /** union { u64 exitinfo2; struct { u32 fw_error; u32 vmm_error; } } */
  exitinfo2: 24,
  fwError: 24,
  vmmError: 28,
} as const;

/** struct snp_report_req (96 B): user_data[64], vmpl u32, rsvd[28] (must be zero). */
export const SNP_REPORT_REQ = { size: 96, userData: 0, vmpl: 64, rsvd: 68 } as const;

/** struct snp_ext_report_req (112 B): snp_report_req data, u64 certs_address, u32 certs_len (+4 tail padding). */
export const SNP_EXT_REPORT_REQ = { size: 112, data: 0, certsAddress: 96, certsLen: 104 } as const;

/** struct snp_report_resp { __u8 data[4000]; } holding MSG_REPORT_RSP. */
export const SNP_REPORT_RESP = { size: 4000, status: 0, reportSize: 4, report: 0x20 } as const;

/** SNP ATTESTATION_REPORT size (0x4A0; tee-evidence-layouts.md §4). */
export const SNP_REPORT_SIZE = 0x4a0;

export const SNP_GET_REPORT = iowr('S', 0x0, SNP_GUEST_REQUEST.size);
export const SNP_GET_DERIVED_KEY = iowr('S', 0x1, SNP_GUEST_REQUEST.size);
export const SNP_GET_EXT_REPORT = iowr('S', 0x2, SNP_GUEST_REQUEST.size);

/** vmm_error values: the certificate buffer was too small (needed size returned in certs_len) / host busy. */
export const SNP_GUEST_VMM_ERR_INVALID_LEN = 1;
export const SNP_GUEST_VMM_ERR_BUSY = 2;

/** msg_version must be non-zero; version 1 is the only one defined. */
export const SNP_MSG_VERSION = 1;

/** Maximum VMPL the guest may request (TSM_PRIVLEVEL_MAX). */
export const SNP_VMPL_MAX = 3;

export function encodeSnpReportReq(reportData: Uint8Array, vmpl = 0): Uint8Array {
  checkReportData(reportData);
  if (!Number.isInteger(vmpl) || vmpl < 0 || vmpl > SNP_VMPL_MAX) {
    fail('TEE_VMPL_INVALID', `VMPL must be 0..${SNP_VMPL_MAX}, got ${vmpl}`);
  }
  return new ByteWriter().bytes(reportData).u32le(vmpl).zeros(28).finish();
}

export function encodeSnpExtReportReq(
  reportData: Uint8Array,
  vmpl: number,
  certsAddress: bigint,
  certsLen: number,
): Uint8Array {
  return new ByteWriter()
    .bytes(encodeSnpReportReq(reportData, vmpl))
    .u64le(certsAddress)
    .u32le(certsLen)
    .zeros(4)
    .finish();
}

export function encodeSnpGuestRequest(reqAddress: bigint, respAddress: bigint): Uint8Array {
  return new ByteWriter()
    .u8(SNP_MSG_VERSION)
    .zeros(7)
    .u64le(reqAddress)
    .u64le(respAddress)
    .u64le(0n)
    .finish();
}

export interface SnpGuestRequestResult {
  fwError: number;
  vmmError: number;
}

export function decodeSnpGuestRequestErrors(ioctlStruct: Uint8Array): SnpGuestRequestResult {
  const r = new ByteReader(ioctlStruct, 'snp_guest_request_ioctl');
  r.skip(SNP_GUEST_REQUEST.fwError, 'head');
  return { fwError: r.u32le('fw_error'), vmmError: r.u32le('vmm_error') };
}

/** certs_len as written back by the kernel (the size it needs when vmm_error is INVALID_LEN). */
export function decodeExtReportCertsLen(extReq: Uint8Array): number {
  const r = new ByteReader(extReq, 'snp_ext_report_req');
  r.skip(SNP_EXT_REPORT_REQ.certsLen, 'head');
  return r.u32le('certs_len');
}

/**
 * Extracts the 1,184-byte report from MSG_REPORT_RSP. A non-zero status is the firmware's refusal
 * (0x16 invalid parameters, 0x27 invalid key selection — SEV-SNP ABI #56860, MSG_REPORT_RSP).
 */
export function decodeSnpReportResp(resp: Uint8Array): Uint8Array {
  const r = new ByteReader(resp, 'snp_report_resp');
  const status = r.u32le('status');
  const size = r.u32le('report_size');
  if (status !== 0)
    fail('TEE_FIRMWARE_ERROR', `SNP firmware returned status 0x${status.toString(16)}`, { status });
  if (size !== SNP_REPORT_SIZE)
    fail('TEE_DEVICE_ERROR', `SNP report size ${size}, expected ${SNP_REPORT_SIZE}`);
  r.skip(SNP_REPORT_RESP.report - 8, 'reserved');
  return r.bytes(SNP_REPORT_SIZE, 'report').slice();
}

import { existsSync } from 'node:fs';
import { withDevice, withNative, type DeviceIo } from './device-io.js';
import { libcDeviceIo } from './libc-io.js';
import {
  TDX_CMD_GET_REPORT0,
  TDX_REPORT_REQ,
  decodeTdxReportReq,
  encodeTdxReportReq,
  type TdReportFields,
} from './tdx-abi.js';

/**
 * /dev/tdx_guest: TDX_CMD_GET_REPORT0 returns the TDREPORT (MAC'd by the CPU, verifiable only on the same
 * platform). Upstream Linux has no quote ioctl; quotes come through configfs-tsm (hardware-interfaces.md §6.2).
 * The TDREPORT is still useful to cross-check the quote's MRTD / RTMRs / REPORTDATA locally.
 */
export const TDX_GUEST_DEVICE = '/dev/tdx_guest';

export function tdxGuestPresent(path = TDX_GUEST_DEVICE): boolean {
  return existsSync(path);
}

export interface TdxGuestOptions {
  path?: string;
  io?: DeviceIo;
}

/** Asks the TDX module for a TDREPORT over `reportData` (64 bytes). Absent device → TEE_NOT_PRESENT. */
export function tdxGetReport0(reportData: Uint8Array, opts: TdxGuestOptions = {}): TdReportFields {
  const req = encodeTdxReportReq(reportData);
  const path = opts.path ?? TDX_GUEST_DEVICE;
  const io = opts.io ?? libcDeviceIo();
  return withDevice(io, path, (fd) =>
    withNative(io, [TDX_REPORT_REQ.size], ([buf]) => {
      const native = buf as NonNullable<typeof buf>;
      native.bytes.set(req);
      io.ioctl(fd, TDX_CMD_GET_REPORT0, native);
      return decodeTdxReportReq(native.bytes.slice());
    }),
  );
}

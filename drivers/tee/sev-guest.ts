import { existsSync } from 'node:fs';
import { AegisError, fail, isAegisError } from '#core/errors.js';
import type { SnpEvidence, TeeQuoteProvider } from '#device/tee.js';
import { vekChainFromCertTable } from './cert-table.js';
import { checkEvidenceBinding } from './evidence-check.js';
import { withDevice, withNative, type DeviceIo, type NativeBuffer } from './device-io.js';
import { libcDeviceIo } from './libc-io.js';
import {
  SNP_EXT_REPORT_REQ,
  SNP_GET_EXT_REPORT,
  SNP_GET_REPORT,
  SNP_GUEST_REQUEST,
  SNP_GUEST_VMM_ERR_INVALID_LEN,
  SNP_REPORT_REQ,
  SNP_REPORT_RESP,
  decodeExtReportCertsLen,
  decodeSnpGuestRequestErrors,
  decodeSnpReportResp,
  encodeSnpExtReportReq,
  encodeSnpGuestRequest,
  encodeSnpReportReq,
} from './sev-abi.js';

/**
 * /dev/sev-guest: SNP_GET_REPORT and SNP_GET_EXT_REPORT (include/uapi/linux/sev-guest.h;
 * hardware-interfaces.md §6.3). The extended report also returns the host's certificate table (VCEK/VLEK,
 * ASK, ARK) so the report can be verified offline without asking AMD KDS.
 */
export const SEV_GUEST_DEVICE = '/dev/sev-guest';

/**
 * The largest certificate buffer the kernel passes to the host: SEV_FW_BLOB_MAX_SIZE (0x4000, 4 pages;
 * linux/drivers/virt/coco/sev-guest/sev-guest.c get_ext_report refuses larger or unaligned certs_len with EINVAL before
 * any firmware call). VCEK + ASK + ARK (≈ 1.4 + 1.6 + 1.6 KB) fit in it.
 */
export const SEV_FW_BLOB_MAX_SIZE = 0x4000;
const PAGE_SIZE = 4096;

/**
 * How the kernel leaves exitinfo2 when the firmware was never called: SEV_RET_NO_FW_CALL (-1, all ones) since the
 * driver set it in snp_guest_ioctl, `fw_err = 0xff` in older kernels, or nothing (both zero) when it refused before
 * copying the struct back. Those failures are the kernel's (the errno says why), not the firmware's.
 */
function kernelRefused(fwError: number, vmmError: number): boolean {
  return (
    (fwError === 0xffffffff && vmmError === 0xffffffff) ||
    (fwError === 0xff && vmmError === 0) ||
    (fwError === 0 && vmmError === 0)
  );
}

/** The host's certificates do not fit the buffer: vmm_error INVALID_LEN, certs_len written back with the size needed. */
class CertsTooLarge extends Error {
  constructor(readonly needed: number) {
    super('certificate buffer too small');
  }
}

export function sevGuestPresent(path = SEV_GUEST_DEVICE): boolean {
  return existsSync(path);
}

export interface SevGuestOptions {
  path?: string;
  io?: DeviceIo;
  vmpl?: number;
}

function guestRequest(io: DeviceIo, fd: number, request: number, ioctlBuf: NativeBuffer, what: string): void {
  try {
    io.ioctl(fd, request, ioctlBuf);
  } catch (e) {
    if (!isAegisError(e, 'TEE_IOCTL_FAILED')) throw e;
    const { fwError, vmmError } = decodeSnpGuestRequestErrors(ioctlBuf.bytes.slice());
    const errno = e.detail?.['errno'];
    if (kernelRefused(fwError, vmmError)) {
      throw new AegisError(
        'TEE_IOCTL_FAILED',
        `${what}: the kernel refused the request before reaching the firmware (${String(errno ?? 'error')})`,
        {
          cause: e,
          detail: { errno, request },
        },
      );
    }
    if (vmmError === SNP_GUEST_VMM_ERR_INVALID_LEN) throw new CertsTooLarge(0);
    fail('TEE_FIRMWARE_ERROR', `${what} failed: fw_error 0x${fwError.toString(16)}, vmm_error ${vmmError}`, {
      fwError,
      vmmError,
      errno,
    });
  }
}

/** SNP_GET_REPORT: the 1,184-byte ATTESTATION_REPORT over `reportData`. */
export function snpGetReport(reportData: Uint8Array, opts: SevGuestOptions = {}): Uint8Array {
  const req = encodeSnpReportReq(reportData, opts.vmpl ?? 0);
  const io = opts.io ?? libcDeviceIo();
  return withDevice(io, opts.path ?? SEV_GUEST_DEVICE, (fd) =>
    withNative(io, [SNP_GUEST_REQUEST.size, SNP_REPORT_REQ.size, SNP_REPORT_RESP.size], ([g, rq, rs]) => {
      const [ioctlBuf, reqBuf, respBuf] = [g, rq, rs] as NativeBuffer[] as [
        NativeBuffer,
        NativeBuffer,
        NativeBuffer,
      ];
      reqBuf.bytes.set(req);
      ioctlBuf.bytes.set(encodeSnpGuestRequest(reqBuf.address, respBuf.address));
      guestRequest(io, fd, SNP_GET_REPORT, ioctlBuf, 'SNP_GET_REPORT');
      return decodeSnpReportResp(respBuf.bytes.slice());
    }),
  );
}

export interface SnpExtReport {
  report: Uint8Array;
  /** The certificate table, or undefined when the host supplied none (certs_len 0). */
  certTable: Uint8Array | undefined;
}

/**
 * SNP_GET_EXT_REPORT with the largest buffer the kernel accepts (SEV_FW_BLOB_MAX_SIZE). When the host's certificates
 * do not fit even that, the kernel answers vmm_error INVALID_LEN and writes the size it would need into certs_len
 * (only then); a larger buffer would be refused with EINVAL, so there is nothing to retry: the error says so.
 */
export function snpGetExtReport(reportData: Uint8Array, opts: SevGuestOptions = {}): SnpExtReport {
  const io = opts.io ?? libcDeviceIo();
  return withDevice(io, opts.path ?? SEV_GUEST_DEVICE, (fd) => {
    const certsLen = SEV_FW_BLOB_MAX_SIZE;
    const sizes = [SNP_GUEST_REQUEST.size, SNP_EXT_REPORT_REQ.size, SNP_REPORT_RESP.size, certsLen];
    const out = withNative(io, sizes, (bufs): { needed: number } | { result: SnpExtReport } => {
      const [ioctlBuf, reqBuf, respBuf, certBuf] = bufs as [
        NativeBuffer,
        NativeBuffer,
        NativeBuffer,
        NativeBuffer,
      ];
      reqBuf.bytes.set(encodeSnpExtReportReq(reportData, opts.vmpl ?? 0, certBuf.address, certsLen));
      ioctlBuf.bytes.set(encodeSnpGuestRequest(reqBuf.address, respBuf.address));
      try {
        guestRequest(io, fd, SNP_GET_EXT_REPORT, ioctlBuf, 'SNP_GET_EXT_REPORT');
      } catch (e) {
        if (!(e instanceof CertsTooLarge)) throw e;
        return { needed: decodeExtReportCertsLen(reqBuf.bytes.slice()) };
      }
      const report = decodeSnpReportResp(respBuf.bytes.slice());
      // On success certs_len is not written back: the table is the buffer, zero after its terminating entry.
      const table = certBuf.bytes.slice();
      return { result: { report, certTable: table.every((b) => b === 0) ? undefined : table } };
    });
    if ('result' in out) return out.result;
    return fail(
      'TEE_CERT_BUFFER_TOO_SMALL',
      `the host's certificates need ${out.needed} bytes but the kernel passes at most ${SEV_FW_BLOB_MAX_SIZE} (SEV_FW_BLOB_MAX_SIZE); use configfs-tsm (kernel 6.7 or later) or fetch the VCEK from AMD KDS`,
      { needed: out.needed, max: SEV_FW_BLOB_MAX_SIZE, pageAligned: out.needed % PAGE_SIZE === 0 },
    );
  });
}

/** Real SEV-SNP evidence through /dev/sev-guest (used when configfs-tsm is unavailable, kernels < 6.7). */
export class SevGuestProvider implements TeeQuoteProvider {
  readonly kind = 'sev-snp' as const;
  readonly simulated = false;
  readonly description: string;

  constructor(private readonly opts: SevGuestOptions = {}) {
    this.description = `${opts.path ?? SEV_GUEST_DEVICE} (SNP_GET_EXT_REPORT)`;
  }

  async getEvidence(reportData: Uint8Array): Promise<SnpEvidence> {
    const { report, certTable } = snpGetExtReport(reportData, this.opts);
    const ev: SnpEvidence = {
      tee: 'sev-snp',
      simulated: false,
      source: 'sev-guest',
      reportData: reportData.slice(),
      report,
    };
    if (certTable !== undefined) {
      ev.certTable = certTable;
      const chain = vekChainFromCertTable(certTable);
      if (chain !== undefined) ev.vekChain = chain;
    }
    checkEvidenceBinding(ev);
    return ev;
  }
}

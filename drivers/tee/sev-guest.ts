import { existsSync } from 'node:fs';
import { fail, isAegisError } from '#core/errors.js';
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

/** Initial certificate buffer: 4 pages covers VCEK + ASK + ARK (≈ 1.4 + 1.6 + 1.6 KB). */
const INITIAL_CERTS_LEN = 4 * 4096;
/** Refuse absurd sizes requested by a confused host. */
const MAX_CERTS_LEN = 64 * 4096;

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
    // Both zero: the kernel refused before reaching the firmware (ENOTTY, EINVAL …); keep the errno error.
    if (vmmError === SNP_GUEST_VMM_ERR_INVALID_LEN || (fwError === 0 && vmmError === 0)) throw e;
    fail('TEE_FIRMWARE_ERROR', `${what} failed: fw_error 0x${fwError.toString(16)}, vmm_error ${vmmError}`, {
      fwError,
      vmmError,
      errno: e.detail?.['errno'],
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
 * SNP_GET_EXT_REPORT. When the host's certificates do not fit, the kernel fails with vmm_error INVALID_LEN
 * and writes the needed size into certs_len; we retry once with that size.
 */
export function snpGetExtReport(reportData: Uint8Array, opts: SevGuestOptions = {}): SnpExtReport {
  const io = opts.io ?? libcDeviceIo();
  return withDevice(io, opts.path ?? SEV_GUEST_DEVICE, (fd) => {
    let certsLen = INITIAL_CERTS_LEN;
    for (let attempt = 0; attempt < 2; attempt++) {
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
          if (!isAegisError(e, 'TEE_IOCTL_FAILED')) throw e;
          return { needed: decodeExtReportCertsLen(reqBuf.bytes.slice()) };
        }
        const report = decodeSnpReportResp(respBuf.bytes.slice());
        const returned = decodeExtReportCertsLen(reqBuf.bytes.slice());
        const table = certBuf.bytes.slice(0, Math.min(returned || certsLen, certsLen));
        const empty = returned === 0 || table.every((b) => b === 0);
        return { result: { report, certTable: empty ? undefined : table } };
      });
      if ('result' in out) return out.result;
      if (out.needed <= certsLen || out.needed > MAX_CERTS_LEN) {
        fail('TEE_CERT_BUFFER_TOO_SMALL', `host asks for a ${out.needed}-byte certificate buffer`, {
          needed: out.needed,
        });
      }
      certsLen = out.needed;
    }
    return fail('TEE_CERT_BUFFER_TOO_SMALL', 'certificate buffer still too small after retry');
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

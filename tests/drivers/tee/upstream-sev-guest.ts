import { ByteReader, ByteWriter } from '#core/bytes.js';
import { SNP_GET_EXT_REPORT, SNP_GET_REPORT, SNP_REPORT_SIZE } from '#drivers/tee/sev-abi.js';
import type { FakeKernelIo } from './fake-devices.js';

/**
 * /dev/sev-guest as upstream linux/drivers/virt/coco/sev-guest/sev-guest.c behaves (snp_guest_ioctl, get_report,
 * get_ext_report), for the driver's tests:
 *  - exitinfo2 starts as SEV_RET_NO_FW_CALL (all ones) and the struct is copied back whenever exitinfo2 is non-zero,
 *    so a refusal before any firmware call carries all ones plus the errno;
 *  - msg_version 0, null req/resp pointers, certs_len above SEV_FW_BLOB_MAX_SIZE (0x4000) or not page-aligned: EINVAL;
 *  - host certificates larger than certs_len: vmm_error INVALID_LEN, certs_len written back as whole pages, EIO;
 *  - on success certs_len is not written back, the buffer holds the table padded with zeros;
 *  - the firmware refuses a report VMPL below the guest's own (MSG_REPORT_RSP status 0x16, INVALID_PARAM).
 */
export interface UpstreamSevGuestOptions {
  /** The host's certificate table (GHCB extended guest request data). */
  hostCerts?: Uint8Array;
  /** The VMPL the guest kernel runs at (above 0 under an SVSM). */
  guestVmpl?: number;
  /** A firmware error to return from the guest request (fw_error, vmm_error 0). */
  fwError?: number;
}

const EINVAL = -22;
const EIO = -5;
const ENOTTY = -25;
const SEV_FW_BLOB_MAX_SIZE = 0x4000;
const PAGE = 4096;
const NO_FW_CALL = new ByteWriter().u32le(0xffffffff).u32le(0xffffffff).finish();

export function upstreamSevGuest(o: UpstreamSevGuestOptions = {}) {
  return (request: number, arg: Uint8Array, io: FakeKernelIo): number => {
    let exitinfo2: Uint8Array = NO_FW_CALL;
    const done = (rc: number): number => {
      if (exitinfo2.some((b) => b !== 0)) arg.set(exitinfo2, 24);
      return rc;
    };
    const g = new ByteReader(arg);
    const msgVersion = g.u8();
    g.skip(7);
    const reqAddr = g.u64le();
    const respAddr = g.u64le();
    if (msgVersion === 0) return done(EINVAL);
    if (request !== SNP_GET_REPORT && request !== SNP_GET_EXT_REPORT) return done(ENOTTY);
    if (reqAddr === 0n || respAddr === 0n) return done(EINVAL);
    const req = io.deref(reqAddr);
    const resp = io.deref(respAddr);
    if (request === SNP_GET_EXT_REPORT) {
      const r = new ByteReader(req.subarray(96));
      const certAddr = r.u64le();
      const certLen = r.u32le();
      if (certLen !== 0 && certAddr !== 0n) {
        if (certLen > SEV_FW_BLOB_MAX_SIZE || certLen % PAGE !== 0) return done(EINVAL);
        const certs = o.hostCerts ?? new Uint8Array(0);
        if (certs.length > certLen) {
          req.set(new ByteWriter().u32le(Math.ceil(certs.length / PAGE) * PAGE).finish(), 104);
          exitinfo2 = new ByteWriter().u32le(0).u32le(1).finish(); // vmm_error SNP_GUEST_VMM_ERR_INVALID_LEN
          return done(EIO);
        }
        const buf = io.deref(certAddr);
        buf.fill(0, 0, certLen);
        buf.set(certs);
      }
    }
    if (o.fwError !== undefined) {
      exitinfo2 = new ByteWriter().u32le(o.fwError).u32le(0).finish();
      return done(EIO);
    }
    exitinfo2 = new Uint8Array(8);
    const vmpl = new ByteReader(req.subarray(64)).u32le();
    if (vmpl < (o.guestVmpl ?? 0)) {
      resp.set(new ByteWriter().u32le(0x16).u32le(0).finish(), 0); // MSG_REPORT_RSP status INVALID_PARAM
      return done(0);
    }
    resp.set(new ByteWriter().u32le(0).u32le(SNP_REPORT_SIZE).finish(), 0);
    const report = new Uint8Array(SNP_REPORT_SIZE);
    report.set(req.subarray(0, 64), 0x50); // REPORT_DATA
    report.set(new ByteWriter().u32le(vmpl).finish(), 0x30); // VMPL
    resp.set(report, 0x20);
    return done(0);
  };
}

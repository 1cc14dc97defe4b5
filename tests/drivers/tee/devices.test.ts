import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '#core/bytes.js';
import { libcDeviceIo } from '#drivers/tee/libc-io.js';
import { tdxGetReport0 } from '#drivers/tee/tdx-guest.js';
import { SevGuestProvider, snpGetExtReport, snpGetReport } from '#drivers/tee/sev-guest.js';
import { SNP_GET_EXT_REPORT, SNP_GET_REPORT, SNP_REPORT_SIZE } from '#drivers/tee/sev-abi.js';
import { TDX_CMD_GET_REPORT0 } from '#drivers/tee/tdx-abi.js';
import { CERT_GUID, encodeCertTable } from '#drivers/tee/cert-table.js';
import { FakeKernelIo } from './fake-devices.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => 0x40 + i);
const absent = join(mkdtempSync(join(tmpdir(), 'aegis-tee-')), 'no-such-device');

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('real devices through ffi-rs when absent (as on this machine)', () => {
  it('native buffers from libc have an address and a writable view', () => {
    const io = libcDeviceIo();
    const b = io.alloc(64);
    expect(b.address).toBeGreaterThan(0n);
    b.bytes[5] = 9;
    expect(b.bytes[5]).toBe(9);
    b.free();
  });

  it('says TEE_NOT_PRESENT for /dev/tdx_guest and /dev/sev-guest, never crashes', async () => {
    expect(await codeOf(() => tdxGetReport0(rd, { path: absent }))).toBe('TEE_NOT_PRESENT');
    expect(await codeOf(() => snpGetReport(rd, { path: absent }))).toBe('TEE_NOT_PRESENT');
    expect(await codeOf(() => new SevGuestProvider({ path: absent }).getEvidence(rd))).toBe(
      'TEE_NOT_PRESENT',
    );
  });

  it('maps a device that refuses the ioctl to TEE_IOCTL_FAILED (ENOTTY from /dev/null)', async () => {
    expect(await codeOf(() => tdxGetReport0(rd, { path: '/dev/null' }))).toBe('TEE_IOCTL_FAILED');
  });
});

/** A kernel stand-in for /dev/sev-guest that follows the user pointers like the real driver. */
function fakeSevGuest(opts: { certs?: Uint8Array; fwError?: number }) {
  return (request: number, arg: Uint8Array, io: FakeKernelIo): number => {
    const g = new ByteReader(arg);
    expect(g.u8()).toBe(1);
    g.skip(7);
    const req = io.deref(g.u64le());
    const resp = io.deref(g.u64le());
    if (opts.fwError !== undefined) {
      arg.set(new ByteWriter().u32le(opts.fwError).u32le(0).finish(), 24);
      return -1;
    }
    if (request === SNP_GET_EXT_REPORT) {
      const r = new ByteReader(req.subarray(96));
      const certAddr = r.u64le();
      const certLen = r.u32le();
      const certs = opts.certs ?? new Uint8Array(0);
      if (certs.length > certLen) {
        req.set(new ByteWriter().u32le(certs.length).finish(), 104);
        arg.set(new ByteWriter().u32le(0).u32le(1).finish(), 24); // vmm_error INVALID_LEN
        return -1;
      }
      io.deref(certAddr).set(certs);
      req.set(new ByteWriter().u32le(certs.length).finish(), 104);
    } else if (request !== SNP_GET_REPORT) {
      return -1;
    }
    resp.set(new ByteWriter().u32le(0).u32le(SNP_REPORT_SIZE).finish(), 0);
    const report = new Uint8Array(SNP_REPORT_SIZE);
    report.set(req.subarray(0, 64), 0x50); // REPORT_DATA
    resp.set(report, 0x20);
    return 0;
  };
}

describe('/dev/sev-guest flows against a kernel stand-in', () => {
  it('SNP_GET_REPORT puts user_data into REPORT_DATA and frees every native buffer', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': fakeSevGuest({}) });
    const report = snpGetReport(rd, { io });
    expect([...report.subarray(0x50, 0x90)]).toEqual([...rd]);
    expect(io.memory.size).toBe(0);
  });

  it('SNP_GET_EXT_REPORT retries once with the size the host asks for and returns the VEK chain', async () => {
    const big = new Uint8Array(20_000).fill(0x30);
    const certs = encodeCertTable([
      { guid: CERT_GUID.vcek, data: big },
      { guid: CERT_GUID.ask, data: new Uint8Array([0x30, 1]) },
      { guid: CERT_GUID.ark, data: new Uint8Array([0x30, 2]) },
    ]);
    const io = new FakeKernelIo({ '/dev/sev-guest': fakeSevGuest({ certs }) });
    const ext = snpGetExtReport(rd, { io });
    expect(ext.certTable?.length).toBe(certs.length);
    const ev = await new SevGuestProvider({ io }).getEvidence(rd);
    expect(ev.simulated).toBe(false);
    expect(ev.source).toBe('sev-guest');
    expect(ev.vekChain?.vek.length).toBe(20_000);
    expect(ev.vekChain?.ark).toEqual(new Uint8Array([0x30, 2]));
  });

  it('an extended report without host certificates has no chain', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': fakeSevGuest({}) });
    expect(snpGetExtReport(rd, { io }).certTable).toBeUndefined();
  });

  it('a firmware refusal becomes TEE_FIRMWARE_ERROR with fw_error in the detail', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': fakeSevGuest({ fwError: 0x16 }) });
    try {
      snpGetReport(rd, { io });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('TEE_FIRMWARE_ERROR');
      expect((e as { detail: Record<string, unknown> }).detail['fwError']).toBe(0x16);
    }
    expect(io.memory.size).toBe(0);
  });
});

describe('/dev/tdx_guest flow against a kernel stand-in', () => {
  it('TDX_CMD_GET_REPORT0 returns the TDREPORT with our REPORTDATA', () => {
    const io = new FakeKernelIo({
      '/dev/tdx_guest': (request, arg) => {
        if (request !== TDX_CMD_GET_REPORT0) return -1;
        arg[64] = 0x81;
        arg.set(arg.subarray(0, 64), 64 + 128);
        return 0;
      },
    });
    const rep = tdxGetReport0(rd, { io, path: '/dev/tdx_guest' });
    expect([...rep.reportData]).toEqual([...rd]);
    expect(rep.raw.length).toBe(1024);
  });
});

describe('device files that exist but are not TEE devices', () => {
  it('a regular file opened as /dev/sev-guest fails the ioctl cleanly', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'aegis-tee-')), 'sev-guest');
    writeFileSync(f, '');
    expect(await codeOf(() => snpGetReport(rd, { path: f }))).toBe('TEE_IOCTL_FAILED');
  });
});

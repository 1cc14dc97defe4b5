import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '#core/bytes.js';
import { libcDeviceIo } from '#drivers/tee/libc-io.js';
import { tdxGetReport0 } from '#drivers/tee/tdx-guest.js';
import {
  SEV_FW_BLOB_MAX_SIZE,
  SevGuestProvider,
  snpGetExtReport,
  snpGetReport,
} from '#drivers/tee/sev-guest.js';
import { SNP_GET_REPORT } from '#drivers/tee/sev-abi.js';
import { TDX_CMD_GET_REPORT0 } from '#drivers/tee/tdx-abi.js';
import { CERT_GUID, encodeCertTable } from '#drivers/tee/cert-table.js';
import { FakeKernelIo } from './fake-devices.js';
import { upstreamSevGuest } from './upstream-sev-guest.js';

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

describe('/dev/sev-guest flows against a stand-in that behaves like upstream sev-guest.c', () => {
  const vekChain = (vekLen: number): Uint8Array =>
    encodeCertTable([
      { guid: CERT_GUID.vcek, data: new Uint8Array(vekLen).fill(0x30) },
      { guid: CERT_GUID.ask, data: new Uint8Array([0x30, 1]) },
      { guid: CERT_GUID.ark, data: new Uint8Array([0x30, 2]) },
    ]);

  it('SNP_GET_REPORT puts user_data into REPORT_DATA and frees every native buffer', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest() });
    const report = snpGetReport(rd, { io });
    expect([...report.subarray(0x50, 0x90)]).toEqual([...rd]);
    expect(io.memory.size).toBe(0);
  });

  it('SNP_GET_EXT_REPORT asks with SEV_FW_BLOB_MAX_SIZE and returns the VEK chain from the host table', async () => {
    const certs = vekChain(1400);
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest({ hostCerts: certs }) });
    const ext = snpGetExtReport(rd, { io });
    expect(ext.certTable?.length).toBe(SEV_FW_BLOB_MAX_SIZE);
    expect([...(ext.certTable ?? new Uint8Array(0)).subarray(0, certs.length)]).toEqual([...certs]);
    const ev = await new SevGuestProvider({ io }).getEvidence(rd);
    expect(ev.simulated).toBe(false);
    expect(ev.source).toBe('sev-guest');
    expect(ev.vekChain?.vek.length).toBe(1400);
    expect(ev.vekChain?.ark).toEqual(new Uint8Array([0x30, 2]));
    expect(io.memory.size).toBe(0);
  });

  it('host certificates beyond what the kernel can pass: TEE_CERT_BUFFER_TOO_SMALL with the size, no retry the kernel would refuse', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest({ hostCerts: vekChain(20_000) }) });
    try {
      snpGetExtReport(rd, { io });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('TEE_CERT_BUFFER_TOO_SMALL');
      expect((e as { detail: Record<string, unknown> }).detail).toMatchObject({
        needed: 20480,
        max: SEV_FW_BLOB_MAX_SIZE,
      });
    }
    expect(io.memory.size).toBe(0);
  });

  it('an extended report without host certificates has no chain', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest() });
    expect(snpGetExtReport(rd, { io }).certTable).toBeUndefined();
  });

  it('a firmware refusal becomes TEE_FIRMWARE_ERROR with fw_error in the detail', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest({ fwError: 0x16 }) });
    try {
      snpGetReport(rd, { io });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('TEE_FIRMWARE_ERROR');
      expect((e as { detail: Record<string, unknown> }).detail['fwError']).toBe(0x16);
    }
    expect(io.memory.size).toBe(0);
  });

  it('a kernel refusal (exitinfo2 = SEV_RET_NO_FW_CALL) is reported with its errno, not as a firmware error', () => {
    // An unknown ioctl number reaches the driver, which refuses it before any firmware call.
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest() });
    const h = upstreamSevGuest();
    const arg = new ByteWriter().u8(0).zeros(31).finish(); // msg_version 0: EINVAL
    expect(h(SNP_GET_REPORT, arg, io)).toBe(-22);
    expect([...arg.subarray(24)]).toEqual(new Array<number>(8).fill(0xff));
    const refusing = new FakeKernelIo({
      '/dev/sev-guest': (_r, a, k) => h(SNP_GET_REPORT, a.fill(0, 8, 24), k),
    });
    try {
      snpGetReport(rd, { io: refusing });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('TEE_IOCTL_FAILED');
      expect((e as { message: string }).message).toContain('before reaching the firmware');
      expect((e as { detail: Record<string, unknown> }).detail['errno']).toBe('EINVAL');
    }
  });

  it('a guest under an SVSM asks at its own VMPL; VMPL 0 is refused by the firmware', () => {
    const io = new FakeKernelIo({ '/dev/sev-guest': upstreamSevGuest({ guestVmpl: 2 }) });
    expect(new ByteReader(snpGetReport(rd, { io, vmpl: 2 }).subarray(0x30)).u32le()).toBe(2);
    expect(() => snpGetReport(rd, { io })).toThrow(expect.objectContaining({ code: 'TEE_FIRMWARE_ERROR' }));
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

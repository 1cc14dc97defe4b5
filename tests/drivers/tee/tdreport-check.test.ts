import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigfsTsmProvider } from '#drivers/tee/configfs-tsm.js';
import { TDX_CMD_GET_REPORT0 } from '#drivers/tee/tdx-abi.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { FakeKernelIo, FakeTsmFs } from './fake-devices.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => 100 + i);
let tdx: SimulatedTdx;

/** Lays out the TDREPORT the TDX module would give this TD (TDREPORT_STRUCT offsets, hardware-interfaces.md §6.2). */
function tdreportOf(sim: SimulatedTdx, reportData: Uint8Array): Uint8Array {
  const b = sim.reportBody(reportData);
  const r = new Uint8Array(1024);
  r[0] = 0x81;
  r.set(reportData, 128);
  r.set(b.tdAttributes, 512);
  r.set(b.xfam, 520);
  r.set(b.mrTd, 528);
  r.set(b.mrConfigId, 576);
  r.set(b.mrOwner, 624);
  r.set(b.mrOwnerConfig, 672);
  b.rtmr.forEach((m, i) => r.set(m, 720 + 48 * i));
  return r;
}

/** configfs-tsm backed by the simulated QE, plus a /dev/tdx_guest stand-in answering for `td`. */
function platform(td: SimulatedTdx, quoteFrom: SimulatedTdx) {
  const quotes = new Map<string, Uint8Array>();
  const fs = new FakeTsmFs('/tsm', 'tdx_guest', (inblob) => ({
    outblob: quotes.get(Buffer.from(inblob).toString('hex')) ?? new Uint8Array(),
  }));
  const io = new FakeKernelIo({
    '/dev/tdx_guest': (request, arg) => {
      if (request !== TDX_CMD_GET_REPORT0) return -1;
      arg.set(tdreportOf(td, arg.slice(0, 64)), 64);
      return 0;
    },
  });
  return {
    provider: new ConfigfsTsmProvider('tdx', { root: '/tsm', fs, tdxGuest: { path: '/dev/tdx_guest', io } }),
    prepare: async (reportData: Uint8Array) =>
      quotes.set(Buffer.from(reportData).toString('hex'), await quoteFrom.quote(reportData)),
  };
}

beforeAll(async () => {
  tdx = await SimulatedTdx.create();
});

describe("TD quote vs this TD's TDREPORT (configfs-tsm + /dev/tdx_guest)", () => {
  it('accepts a quote that describes this TD', async () => {
    const p = platform(tdx, tdx);
    await p.prepare(rd);
    const ev = await p.provider.getEvidence(rd);
    expect(ev.tee).toBe('tdx');
  });

  it('rejects a quote of another TD carrying our REPORTDATA', async () => {
    const other = await SimulatedTdx.create();
    other.extendRtmr(3, new Uint8Array(48).fill(0xee));
    const p = platform(tdx, other);
    await p.prepare(rd);
    await expect(p.provider.getEvidence(rd)).rejects.toMatchObject({
      code: 'TEE_TDREPORT_MISMATCH',
      detail: { field: 'RTMR3' },
    });
  });

  it('rejects a quote of a TD with other attributes (DEBUG set)', async () => {
    const debugTd = await SimulatedTdx.create({ debug: true });
    const p = platform(tdx, debugTd);
    await p.prepare(rd);
    await expect(p.provider.getEvidence(rd)).rejects.toMatchObject({
      code: 'TEE_TDREPORT_MISMATCH',
      detail: { field: 'ATTRIBUTES' },
    });
  });
});

describe('realTeeProvider wiring', () => {
  it('cross-checks through /dev/tdx_guest when the probe found it next to configfs-tsm', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { probeTee, realTeeProvider } = await import('#drivers/tee/probe.js');
    const dir = mkdtempSync(join(tmpdir(), 'aegis-tdx-wire-'));
    const paths = {
      tsmRoot: join(dir, 'tsm'),
      tdxGuestPath: join(dir, 'tdx_guest'),
      sevGuestPath: join(dir, 'sev'),
    };
    writeFileSync(paths.tdxGuestPath, ''); // exists, but is not a TDX device: the ioctl must be attempted and fail
    const quote = await tdx.quote(rd);
    const fs = new FakeTsmFs(paths.tsmRoot, 'tdx_guest', () => ({ outblob: quote }));
    const probe = probeTee({ ...paths, tsmFs: fs, env: { AEGIS_DEVICE: 'real' } });
    expect(probe).toMatchObject({ tee: 'tdx', interface: 'configfs-tsm', simulated: false });
    await expect(realTeeProvider(probe, { ...paths, tsmFs: fs }).getEvidence(rd)).rejects.toMatchObject({
      code: 'TEE_IOCTL_FAILED',
    });
  });
});

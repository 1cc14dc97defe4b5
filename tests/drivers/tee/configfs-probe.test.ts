import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigfsTsmProvider, tsmRequestReport } from '#drivers/tee/configfs-tsm.js';
import { parseDeviceMode, probeTee, realTeeProvider } from '#drivers/tee/probe.js';
import { CERT_GUID, encodeCertTable } from '#drivers/tee/cert-table.js';
import { FakeTsmFs } from './fake-devices.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';

const rd = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
const tmp = mkdtempSync(join(tmpdir(), 'aegis-probe-'));
const none = {
  tsmRoot: join(tmp, 'tsm'),
  tdxGuestPath: join(tmp, 'tdx_guest'),
  sevGuestPath: join(tmp, 'sev-guest'),
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('configfs-tsm report flow', () => {
  it('is TEE_NOT_PRESENT on this machine (no /sys/kernel/config/tsm)', async () => {
    await expect(new ConfigfsTsmProvider('tdx').getEvidence(rd)).rejects.toMatchObject({
      code: 'TEE_NOT_PRESENT',
    });
  });

  it('writes inblob, reads outblob, checks generation and removes its entry', async () => {
    // The outblob is a real-format TD quote over the same REPORTDATA, made by the simulated TDX module.
    const quote = await (await SimulatedTdx.create()).quote(rd);
    let written: Uint8Array | undefined;
    const fs = new FakeTsmFs(
      '/tsm',
      'tdx_guest',
      (inblob) => ((written = inblob.slice()), { outblob: quote }),
    );
    const ev = await new ConfigfsTsmProvider('tdx', { root: '/tsm', fs }).getEvidence(rd);
    expect(ev.tee).toBe('tdx');
    expect(ev.simulated).toBe(false);
    expect(ev.source).toBe('configfs-tsm');
    expect([...(written ?? [])]).toEqual([...rd]);
    if (ev.tee === 'tdx') expect(Buffer.from(ev.quote).equals(Buffer.from(quote))).toBe(true);
    expect([...fs.dirs]).toEqual(['/tsm']);
  });

  it('refuses evidence that does not carry the requested REPORTDATA', async () => {
    const quote = await (await SimulatedTdx.create()).quote(new Uint8Array(64));
    const fs = new FakeTsmFs('/tsm', 'tdx_guest', () => ({ outblob: quote }));
    await expect(new ConfigfsTsmProvider('tdx', { root: '/tsm', fs }).getEvidence(rd)).rejects.toMatchObject({
      code: 'TEE_REPORT_DATA_MISMATCH',
    });
    const snp = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: new Uint8Array(1184) }));
    await expect(
      new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs: snp }).getEvidence(rd),
    ).rejects.toMatchObject({
      code: 'TEE_REPORT_DATA_MISMATCH',
    });
    const short = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: new Uint8Array(100) }));
    await expect(
      new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs: short }).getEvidence(rd),
    ).rejects.toMatchObject({
      code: 'TEE_DEVICE_ERROR',
    });
  });

  it('returns the SNP auxblob as the certificate table with the VEK chain', async () => {
    const aux = encodeCertTable([{ guid: CERT_GUID.vcek, data: new Uint8Array([0x30, 0]) }]);
    const report = new Uint8Array(1184);
    report.set(rd, 0x50);
    const fs = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: report, auxblob: aux }));
    const ev = await new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs, privlevel: 1 }).getEvidence(rd);
    expect(ev.tee).toBe('sev-snp');
    if (ev.tee === 'sev-snp') expect(ev.vekChain?.signer).toBe('vcek');
    expect(fs.writes).toEqual([
      ['privlevel', '1'],
      ['inblob', Buffer.from(rd).toString('latin1')],
    ]);
  });

  it('under an SVSM reads privlevel_floor and asks at that level; below the floor is refused before asking', async () => {
    const report = new Uint8Array(1184);
    report.set(rd, 0x50);
    const fs = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: report }));
    fs.privlevelFloor = 2;
    const ev = await new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs }).getEvidence(rd);
    expect(ev.tee).toBe('sev-snp');
    expect(fs.writes[0]).toEqual(['privlevel', '2']);
    await expect(
      new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs, privlevel: 0 }).getEvidence(rd),
    ).rejects.toMatchObject({
      code: 'TEE_VMPL_INVALID',
    });
    expect([...fs.dirs]).toEqual(['/tsm']);
    // Without a floor (no SVSM, older kernels) nothing is written: the kernel's default privlevel 0 stands.
    const plain = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: report }));
    await new ConfigfsTsmProvider('sev-snp', { root: '/tsm', fs: plain }).getEvidence(rd);
    expect(plain.writes.map(([n]) => n)).toEqual(['inblob']);
  });

  it('detects a concurrent writer through the generation counter', () => {
    const fs = new FakeTsmFs('/tsm', 'tdx_guest', () => ({ outblob: new Uint8Array(8) }));
    fs.generationBump = 2;
    expect(codeOf(() => tsmRequestReport(rd, { root: '/tsm', fs }))).toBe('TEE_TSM_RACE');
    expect([...fs.dirs]).toEqual(['/tsm']);
  });

  it('rejects an unknown provider and a provider of the other TEE', async () => {
    const fs = new FakeTsmFs('/tsm', 'arm_cca_guest', () => ({ outblob: new Uint8Array(8) }));
    expect(codeOf(() => tsmRequestReport(rd, { root: '/tsm', fs }))).toBe('TEE_TSM_PROVIDER_UNKNOWN');
    const snp = new FakeTsmFs('/tsm', 'sev_guest', () => ({ outblob: new Uint8Array(8) }));
    await expect(
      new ConfigfsTsmProvider('tdx', { root: '/tsm', fs: snp }).getEvidence(rd),
    ).rejects.toMatchObject({
      code: 'TEE_TSM_PROVIDER_UNKNOWN',
    });
  });
});

describe('probeTee (AEGIS_DEVICE=auto|real|sim)', () => {
  it('auto with nothing present chooses the simulator and says why', () => {
    const p = probeTee({ ...none, env: {} });
    expect(p).toMatchObject({ mode: 'auto', simulated: true, interface: 'simulator', tee: 'tdx' });
    expect(p.reason).toMatch(/no TDX or SEV-SNP/);
    expect(probeTee({ ...none, env: { AEGIS_TEE_SIM: 'sev-snp' } }).tee).toBe('sev-snp');
  });

  it('real with nothing present is TEE_NOT_PRESENT; bad values are rejected with codes', () => {
    expect(codeOf(() => probeTee({ ...none, env: { AEGIS_DEVICE: 'real' } }))).toBe('TEE_NOT_PRESENT');
    expect(codeOf(() => probeTee({ ...none, env: { AEGIS_DEVICE: 'hw' } }))).toBe('TEE_DEVICE_MODE_INVALID');
    expect(codeOf(() => probeTee({ ...none, env: { AEGIS_DEVICE: 'sim', AEGIS_TEE_SIM: 'sgx' } }))).toBe(
      'TEE_SIM_KIND_INVALID',
    );
    expect(parseDeviceMode(undefined)).toBe('auto');
  });

  it('prefers a real configfs-tsm, whichever TEE its provider names', () => {
    const fs = new FakeTsmFs(none.tsmRoot, 'sev_guest', () => ({ outblob: new Uint8Array(8) }));
    const p = probeTee({ ...none, tsmFs: fs, env: { AEGIS_DEVICE: 'real' } });
    expect(p).toMatchObject({ tee: 'sev-snp', simulated: false, interface: 'configfs-tsm' });
    expect(realTeeProvider(p, { ...none, tsmFs: fs }).description).toMatch(/configfs-tsm/);
    expect(probeTee({ ...none, tsmFs: fs, env: { AEGIS_DEVICE: 'sim' } }).simulated).toBe(true);
  });

  it('uses /dev/sev-guest when configfs-tsm is absent', () => {
    writeFileSync(none.sevGuestPath, '');
    try {
      const p = probeTee({ ...none, env: {} });
      expect(p).toMatchObject({ tee: 'sev-snp', simulated: false, interface: 'sev-guest' });
      expect(realTeeProvider(p, none).kind).toBe('sev-snp');
    } finally {
      unlinkSync(none.sevGuestPath);
    }
  });
});

describe('probeTee with only /dev/tdx_guest (no quote path)', () => {
  it('auto falls back to the simulator with the reason; real is TEE_QUOTE_UNAVAILABLE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-probe-tdx-'));
    const paths = {
      tsmRoot: join(dir, 'tsm'),
      tdxGuestPath: join(dir, 'tdx_guest'),
      sevGuestPath: join(dir, 'sev'),
    };
    writeFileSync(paths.tdxGuestPath, '');
    const p = probeTee({ ...paths, env: {} });
    expect(p.found.tdxGuest).toBe(true);
    expect(p.simulated).toBe(true);
    expect(p.reason).toMatch(/configfs-tsm absent/);
    expect(codeOf(() => probeTee({ ...paths, env: { AEGIS_DEVICE: 'real' } }))).toBe('TEE_QUOTE_UNAVAILABLE');
  });
});

describe('probeTee with a configfs-tsm that is present but unusable', () => {
  it('never passes it off as absent: auto says why it simulates, real fails with the permission code', () => {
    const fs = new FakeTsmFs(none.tsmRoot, 'tdx_guest', () => ({ outblob: new Uint8Array(8) }));
    fs.mkdir = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    const p = probeTee({ ...none, tsmFs: fs, env: {} });
    expect(p.simulated).toBe(true);
    expect(p.found.configfsTsmProblemCode).toBe('TEE_PERMISSION_DENIED');
    expect(p.reason).toMatch(/present but unusable/);
    expect(codeOf(() => probeTee({ ...none, tsmFs: fs, env: { AEGIS_DEVICE: 'real' } }))).toBe(
      'TEE_PERMISSION_DENIED',
    );
  });

  it('reports a foreign TSM provider as the problem', () => {
    const fs = new FakeTsmFs(none.tsmRoot, 'arm_cca_guest', () => ({ outblob: new Uint8Array(8) }));
    const p = probeTee({ ...none, tsmFs: fs, env: {} });
    expect(p.found.configfsTsmProblemCode).toBe('TEE_TSM_PROVIDER_UNKNOWN');
    expect(codeOf(() => probeTee({ ...none, tsmFs: fs, env: { AEGIS_DEVICE: 'real' } }))).toBe(
      'TEE_TSM_PROVIDER_UNKNOWN',
    );
  });
});

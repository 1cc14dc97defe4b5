import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { fixturesDir, haveFixtures } from '../../helpers/fixtures.js';

const home = mkdtempSync(join(tmpdir(), 'aegis-tee-cli-'));
const env = { AEGIS_HOME: home, AEGIS_DEVICE: 'auto' };
const rdHex = 'ab'.repeat(64);

describe('aegis tee probe', () => {
  it('reports the simulator on a machine without TDX / SEV-SNP guest interfaces', async () => {
    const r = await runCli(['tee', 'probe', '--json'], env);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { simulated: boolean; interface: string; mode: string };
    expect(j).toMatchObject({ simulated: true, interface: 'simulator', mode: 'auto' });
    const text = await runCli(['tee', 'probe', '--device', 'sim'], { ...env, AEGIS_TEE_SIM: 'sev-snp' });
    expect(text.stdout).toMatch(/^SIMULATED sev-snp via simulator/);
  });

  it('exits 2 with TEE_NOT_PRESENT when real hardware is demanded, and with a code for a bad mode', async () => {
    const r = await runCli(['tee', 'probe', '--device', 'real'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TEE_NOT_PRESENT');
    const bad = await runCli(['tee', 'probe', '--json'], { ...env, AEGIS_DEVICE: 'fpga' });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      ok: false,
      errors: [{ code: 'TEE_DEVICE_MODE_INVALID' }],
    });
  });
});

describe('aegis tee evidence → aegis attest verify (simulated evidence end to end)', () => {
  it('TDX: verifies only with the simulator trust anchors written next to it', async () => {
    const out = join(home, 'tdx');
    const r = await runCli(
      ['tee', 'evidence', '--device', 'sim', '--sim', 'tdx', '--out', out, '--report-data', rdHex, '--json'],
      env,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { simulated: boolean; files: string[]; report_data: string };
    expect(j.simulated).toBe(true);
    expect(j.report_data).toBe(rdHex);
    expect(j.files).toEqual([
      'quote.bin',
      'collateral.json',
      join('simulator-trust-anchors', 'TEST-ONLY-roots.pem'),
    ]);
    const args = [
      'attest',
      'verify',
      '--quote',
      join(out, 'quote.bin'),
      '--collateral',
      join(out, 'collateral.json'),
      '--json',
    ];
    const ok = await runCli([...args, '--trust-anchors', join(out, 'simulator-trust-anchors')], env);
    expect(ok.code).toBe(0);
    const rej = await runCli(args, env);
    expect(rej.code).toBe(1);
    expect(rej.stdout).toContain('DCAP_ROOT_UNTRUSTED');
  });

  it.skipIf(!haveFixtures('tee/trust-anchors'))(
    "SEV-SNP: verifies with the simulator ARK/ASK, not with AMD's real Milan anchors",
    async () => {
      const out = join(home, 'snp');
      const r = await runCli(['tee', 'evidence', '--device', 'sim', '--sim', 'sev-snp', '--out', out], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('SIMULATED');
      expect(existsSync(join(out, 'ark.der'))).toBe(true);
      const args = [
        'attest',
        'verify',
        '--snp-report',
        join(out, 'report.bin'),
        '--vek',
        join(out, 'vcek.der'),
        '--json',
      ];
      const ok = await runCli([...args, '--trust-anchors', join(out, 'simulator-trust-anchors')], env);
      expect(ok.code).toBe(0);
      const rej = await runCli([...args, '--trust-anchors', join(fixturesDir, 'tee/trust-anchors/amd')], env);
      expect(rej.code).toBe(1);
    },
  );

  it('rejects report data of the wrong length with exit 2', async () => {
    const r = await runCli(
      ['tee', 'evidence', '--device', 'sim', '--out', join(home, 'x'), '--report-data', 'abcd'],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('USAGE');
  });
});

describe('aegis tee evidence --sim-state', () => {
  it('keeps one simulated platform across runs: same TEST-ONLY roots, state file mode 0600', async () => {
    const state = join(home, 'sim-tdx.json');
    const run = async (out: string) => {
      const r = await runCli(
        ['tee', 'evidence', '--device', 'sim', '--sim', 'tdx', '--sim-state', state, '--out', out, '--json'],
        env,
      );
      expect(r.code).toBe(0);
      return readFileSync(join(out, 'simulator-trust-anchors', 'TEST-ONLY-roots.pem'), 'utf8');
    };
    const first = await run(join(home, 's1'));
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(await run(join(home, 's2'))).toBe(first);
    // Evidence from the second run verifies under the anchors exported by the first.
    const ok = await runCli(
      [
        'attest',
        'verify',
        '--quote',
        join(home, 's2', 'quote.bin'),
        '--collateral',
        join(home, 's2', 'collateral.json'),
        '--trust-anchors',
        join(home, 's1', 'simulator-trust-anchors'),
      ],
      env,
    );
    expect(ok.code).toBe(0);
    writeFileSync(state, '{"format":"nope"}');
    const bad = await runCli(
      ['tee', 'evidence', '--device', 'sim', '--sim-state', state, '--out', join(home, 's3')],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TEE_SIM_STATE_INVALID');
  });
});

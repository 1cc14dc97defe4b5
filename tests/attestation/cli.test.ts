import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { haveFixtures, repoRoot } from '../helpers/fixtures.js';
import { amdAnchorDir, teeDir } from './tee-fixtures.js';

const KEYS = [
  'ok',
  'tee',
  'version',
  'tcb_status',
  'advisory_ids',
  'measurements',
  'report_data',
  'policy',
  'errors',
];
const dcap = (name: string) => ({
  quote: join(teeDir, 'dcap', name, 'quote.bin'),
  collateral: join(teeDir, 'dcap', name, 'collateral.json'),
});
const snp = (name: string) => ({
  report: join(teeDir, 'snp', name, 'report.bin'),
  vek: join(teeDir, 'snp', name, 'vek.der'),
});
const env = { AEGIS_HOME: mkdtempSync(join(tmpdir(), 'aegis-attest-home-')), AEGIS_TRUST_ANCHORS: '' };

describe.skipIf(!haveFixtures('tee'))('aegis attest verify', () => {
  it('accepts a TDX quote: exit 0, JSON shape exactly as specified', async () => {
    const f = dcap('dcap-qvl_tdx');
    const r = await runCli(
      [
        'attest',
        'verify',
        '--quote',
        f.quote,
        '--collateral',
        f.collateral,
        '--at',
        '2025-07-04T10:16:31Z',
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(KEYS);
    expect(j).toMatchObject({
      ok: true,
      tee: 'tdx',
      version: 4,
      tcb_status: 'UpToDate',
      advisory_ids: [],
      errors: [],
    });
    expect(Object.keys(j['policy'] as object)).toEqual(['checked', 'failed', 'not_checked']);
    expect((j['measurements'] as Record<string, unknown>)['mr_td']).toMatch(/^[0-9a-f]{96}$/);
    expect(j['report_data']).toMatch(/^[0-9a-f]{128}$/);
  });

  it('prints a short report for people without --json', async () => {
    const f = dcap('dcap-qvl_sgx');
    const r = await runCli(
      ['attest', 'verify', '--quote', f.quote, '--collateral', f.collateral, '--at', '2025-07-04T10:28:44Z'],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ACCEPTED: sgx evidence version 3/);
    expect(r.stdout).toContain('ConfigurationAndSWHardeningNeeded');
    expect(r.stdout).toContain('INTEL-SA-00289');
    expect(r.stdout).toContain('not checked');
  });

  it('accepts hex and base64 quote files', async () => {
    const f = dcap('dcap-qvl_near');
    const dir = mkdtempSync(join(tmpdir(), 'aegis-attest-'));
    const raw = readFileSync(f.quote);
    for (const [name, text] of [
      ['q.hex', raw.toString('hex')],
      ['q.b64', raw.toString('base64')],
    ] as const) {
      writeFileSync(join(dir, name), text + '\n');
      const r = await runCli(
        [
          'attest',
          'verify',
          '--quote',
          join(dir, name),
          '--collateral',
          f.collateral,
          '--at',
          '2025-09-17T07:22:55Z',
        ],
        env,
      );
      expect(r.code, name).toBe(0);
    }
  });

  it('exit 1 for a rejected quote (no matching TCB level) and outside the validity window', async () => {
    const f = dcap('dcap-qvl_tdx_outdated');
    const r = await runCli(
      [
        'attest',
        'verify',
        '--quote',
        f.quote,
        '--collateral',
        f.collateral,
        '--at',
        '2026-03-05T10:50:03Z',
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; errors: { code: string }[] };
    expect(j.ok).toBe(false);
    expect(j.errors.map((e) => e.code)).toEqual(['DCAP_TCB_NO_MATCH']);
    const g = dcap('dcap-qvl_tdx');
    const late = await runCli(
      ['attest', 'verify', '--quote', g.quote, '--collateral', g.collateral, '--at', '2025-07-19T10:00:36Z'],
      env,
    );
    expect(late.code).toBe(1);
    expect(late.stdout).toContain('DCAP_CRL_EXPIRED');
  });

  it('exit 1 when the policy fails, with the failed check named', async () => {
    const f = dcap('dcap-rs_tdx');
    const policy = join(repoRoot, 'policies', 'attestation', 'tcb-baseline.json');
    const r = await runCli(
      [
        'attest',
        'verify',
        '--quote',
        f.quote,
        '--collateral',
        f.collateral,
        '--at',
        '2025-02-28T03:44:50Z',
        '--policy',
        policy,
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { policy: { failed: string[]; checked: string[] } };
    expect(j.policy.failed).toEqual(['accepted_tcb_statuses']);
    expect(j.policy.checked).toEqual(['debug_forbidden', 'accepted_tcb_statuses']);
  });

  it('verifies an SNP report with AMD anchors (exit 0) and needs anchors (exit 2)', async () => {
    const f = snp('trustee-az-milan-v3');
    const ok = await runCli(
      [
        'attest',
        'verify',
        '--snp-report',
        f.report,
        '--vek',
        f.vek,
        '--at',
        '2026-01-01T00:00:00Z',
        '--trust-anchors',
        amdAnchorDir,
        '--json',
      ],
      env,
    );
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(KEYS);
    expect(j).toMatchObject({ ok: true, tee: 'sev-snp', version: 3, tcb_status: null });
    expect(j['measurements']).toMatchObject({
      product: 'milan',
      signer: 'vcek',
      reported_tcb: { bootloader: 4, tee: 0, snp: 24, microcode: 219 },
    });
    const none = await runCli(['attest', 'verify', '--snp-report', f.report, '--vek', f.vek, '--json'], env);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, errors: [{ code: 'TRUST_ANCHORS_MISSING' }] });
  });

  it('accepts a PEM bundle VEK + ASK + ARK without --trust-anchors (the ARK must be AMD-pinned)', async () => {
    const f = snp('trustee-milan-v2');
    const dir = mkdtempSync(join(tmpdir(), 'aegis-attest-'));
    const pem = (der: Buffer): string =>
      `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    const bundle =
      pem(readFileSync(f.vek)) +
      readFileSync(join(amdAnchorDir, 'milan_ask.pem'), 'utf8') +
      readFileSync(join(amdAnchorDir, 'milan_ark.pem'), 'utf8');
    writeFileSync(join(dir, 'vek-chain.pem'), bundle);
    const r = await runCli(
      [
        'attest',
        'verify',
        '--snp-report',
        f.report,
        '--vek',
        join(dir, 'vek-chain.pem'),
        '--at',
        '2025-01-01T00:00:00Z',
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, tee: 'sev-snp', version: 2 });
  });

  it('unwraps an Azure HCL report (HCLA magic, report at 0x20)', async () => {
    const f = snp('trustee-az-hcl-v2');
    const dir = mkdtempSync(join(tmpdir(), 'aegis-attest-'));
    const hcl = Buffer.concat([
      Buffer.from('HCLA'),
      Buffer.alloc(28, 1),
      readFileSync(f.report),
      Buffer.alloc(64, 7),
    ]);
    writeFileSync(join(dir, 'hcl.bin'), hcl);
    const r = await runCli(
      [
        'attest',
        'verify',
        '--snp-report',
        join(dir, 'hcl.bin'),
        '--vek',
        f.vek,
        '--at',
        '2025-01-01T00:00:00Z',
        '--trust-anchors',
        amdAnchorDir,
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    const bad = Buffer.concat([Buffer.from('XXXX'), hcl.subarray(4)]);
    writeFileSync(join(dir, 'bad.bin'), bad);
    const b = await runCli(
      [
        'attest',
        'verify',
        '--snp-report',
        join(dir, 'bad.bin'),
        '--vek',
        f.vek,
        '--trust-anchors',
        amdAnchorDir,
        '--json',
      ],
      env,
    );
    expect(b.code).toBe(2);
    expect((JSON.parse(b.stdout) as { errors: { code: string }[] }).errors[0]?.code).toBe('SNP_REPORT_SIZE');
  });

  it("exit 1 for an SNP report signed by another chip's VCEK", async () => {
    const a = snp('trustee-milan-v2');
    const b = snp('virtee-milan-v2');
    const r = await runCli(
      [
        'attest',
        'verify',
        '--snp-report',
        a.report,
        '--vek',
        b.vek,
        '--at',
        '2025-01-01T00:00:00Z',
        '--trust-anchors',
        amdAnchorDir,
      ],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SNP_CHIP_ID_MISMATCH');
  });

  it('exit 2 for usage errors and unreadable input', async () => {
    const f = dcap('dcap-qvl_tdx');
    const cases: [string[], string][] = [
      [['attest', 'verify'], 'USAGE'],
      [['attest', 'verify', '--quote', f.quote], 'USAGE'],
      [['attest', 'verify', '--quote', f.quote, '--collateral', f.collateral, '--at', 'yesterday'], 'USAGE'],
      [['attest', 'verify', '--quote', '/nonexistent/q.bin', '--collateral', f.collateral], 'FILE_NOT_FOUND'],
      [['attest', 'verify', '--quote', f.quote, '--collateral', f.quote], 'JSON_INVALID'],
      [
        ['attest', 'verify', '--quote', f.quote, '--collateral', f.collateral, '--policy', f.collateral],
        'POLICY_INVALID',
      ],
      [
        ['attest', 'verify', '--quote', f.collateral, '--collateral', f.collateral],
        'DCAP_QUOTE_VERSION_UNSUPPORTED',
      ],
    ];
    for (const [args, code] of cases) {
      const r = await runCli([...args, '--json'], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect((JSON.parse(r.stdout) as { errors: { code: string }[] }).errors[0]?.code, args.join(' ')).toBe(
        code,
      );
    }
  });

  it('--help describes the verb', async () => {
    const r = await runCli(['attest', 'verify', '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--snp-report');
    expect(r.stdout).toContain('--trust-anchors');
  });
});

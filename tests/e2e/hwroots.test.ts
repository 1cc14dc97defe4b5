import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aegisHome } from '#appliance/home.js';
import { sealedSeedsPath } from '#appliance/audit-log.js';
import { openTpm } from '#appliance/devices.js';
import { unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { toBase64, toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/audit.js';
import { fixturesDir, skipNotice } from '../helpers/fixtures.js';
import { haveSwtpm, startSwtpm, type Swtpm } from '../drivers/tpm/swtpm.js';

/**
 * Issue 4 end to end against a real swtpm and the simulated TDX module: init seals the keys, no private key
 * material is left on disk, collect → verify-bundle round-trips only with --allow-simulated, the real Intel
 * anchors reject simulated evidence, a PCR change blocks unsealing with the recovery path, and file keys migrate.
 */
describe.skipIf(!haveSwtpm())('hardware roots with swtpm and the simulated TEE', () => {
  let tpm: Swtpm;
  beforeAll(async () => {
    tpm = await startSwtpm();
  });
  afterAll(async () => {
    await tpm?.stop();
  });

  it('init seals the keys: no private key material in $AEGIS_HOME; the log genesis carries the evidence digest', async () => {
    const env = { AEGIS_HOME: tempDir() };
    const r = await runCli(['init', '--tpm', tpm.spec, '--tee', 'sim', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      key_backend: string;
      devices: { tee: string; tpm: string };
      evidence_digest: string;
    };
    expect(out.key_backend).toBe('tpm-sealed');
    expect(out.devices.tee).toMatch(/^simulated tdx/);
    expect(out.devices.tpm).toMatch(/^simulated TPM/);
    // Recover the seeds through the TPM (as the appliance does) and scan every file for them in any encoding.
    const home = aegisHome(env);
    const t = await openTpm(tpm.spec);
    const seeds = await unsealSeeds(t, new Uint8Array(readFileSync(sealedSeedsPath(home))));
    await t.close();
    const needles = [seeds.slice(0, 32), seeds.slice(32)].flatMap((s) => [
      Buffer.from(s),
      Buffer.from(toHex(s)),
      Buffer.from(toBase64(s).slice(0, 40)),
    ]);
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    for (const f of walk(home.root)) {
      const buf = readFileSync(f);
      expect(buf.includes('PRIVATE KEY'), `${f} holds a PEM private key`).toBe(false);
      for (const n of needles) expect(buf.includes(n), `${f} holds seed bytes`).toBe(false);
    }
    const v = JSON.parse((await runCli(['verify-audit', '--json', '--allow-simulated'], env)).stdout) as {
      ok: boolean;
      evidence_digest: string;
      hardware: { bound: boolean; simulated: boolean };
    };
    expect(v.ok).toBe(true);
    expect(v.evidence_digest).toBe(out.evidence_digest);
    expect(v.hardware).toMatchObject({ bound: true, simulated: true });
  });

  it('collect → verify-bundle: accepted only with --allow-simulated; nonce, keys, tampering and real anchors are checked', async () => {
    const env = { AEGIS_HOME: tempDir() };
    expect((await runCli(['init', '--tpm', tpm.spec, '--tee', 'sim'], env)).code).toBe(0);
    const nonce = 'ab'.repeat(32);
    const file = join(env.AEGIS_HOME, 'b.json');
    const c = await runCli(['attest', 'collect', '--nonce', nonce, '--out', file, '--json'], env);
    expect(c.code, c.stderr).toBe(0);
    const ok = await runCli(
      ['attest', 'verify-bundle', file, '--nonce', nonce, '--allow-simulated', '--json'],
      env,
    );
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      simulated: true,
      binding: { ok: true },
      tpm: { ok: true, binding_ok: true },
      tee: { binding_ok: true },
    });
    // The AK: reported and unpinned by default; pinning its Name passes, pinning another fails.
    const verdict = JSON.parse(ok.stdout) as {
      tpm: { ak_name: string; ak_trusted: boolean };
      warnings: Array<{ code: string }>;
    };
    expect(verdict.tpm.ak_name).toMatch(/^000b[0-9a-f]{64}$/);
    expect(verdict.tpm.ak_trusted).toBe(false);
    expect(verdict.warnings.map((w) => w.code)).toContain('BUNDLE_AK_NOT_PINNED');
    const pinned = await runCli(
      ['attest', 'verify-bundle', file, '--allow-simulated', '--ak-name', verdict.tpm.ak_name, '--json'],
      env,
    );
    expect(pinned.code).toBe(0);
    expect(JSON.parse(pinned.stdout)).toMatchObject({ tpm: { ak_trusted: true }, warnings: [] });
    const otherAk = await runCli(
      ['attest', 'verify-bundle', file, '--allow-simulated', '--ak-name', '000b' + 'ab'.repeat(32), '--json'],
      env,
    );
    expect(otherAk.code).toBe(1);
    expect(
      (JSON.parse(otherAk.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code),
    ).toContain('TPM_AK_NOT_TRUSTED');
    // Simulated evidence without the flag.
    const noflag = JSON.parse((await runCli(['attest', 'verify-bundle', file, '--json'], env)).stdout) as {
      ok: boolean;
      errors: Array<{ code: string }>;
    };
    expect(noflag.ok).toBe(false);
    expect(noflag.errors.map((e) => e.code)).toContain('BUNDLE_SIMULATED_REJECTED');
    // Wrong nonce (replay of an old bundle).
    const stale = JSON.parse(
      (
        await runCli(
          ['attest', 'verify-bundle', file, '--nonce', 'cd'.repeat(32), '--allow-simulated', '--json'],
          env,
        )
      ).stdout,
    ) as { errors: Array<{ code: string }> };
    expect(stale.errors.map((e) => e.code)).toContain('BUNDLE_NONCE_MISMATCH');
    // Swapped keys: the bundle claims other keys than its evidence binds.
    const other = { AEGIS_HOME: tempDir() };
    expect((await runCli(['audit-key', 'init'], other)).code).toBe(0);
    const swapped = JSON.parse(readFileSync(file, 'utf8')) as { keys: { ed25519_spki_b64: string } };
    swapped.keys.ed25519_spki_b64 = readFileSync(join(other.AEGIS_HOME, 'keys/audit-ed25519.pub'), 'utf8')
      .split('\n')
      .slice(1, -2)
      .join('');
    writeFileSync(join(env.AEGIS_HOME, 'swapped.json'), JSON.stringify(swapped));
    const sw = await runCli(
      ['attest', 'verify-bundle', join(env.AEGIS_HOME, 'swapped.json'), '--allow-simulated', '--json'],
      env,
    );
    expect(sw.code).toBe(1);
    expect(
      (JSON.parse(sw.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code),
    ).toContain('BUNDLE_BINDING_MISMATCH');
    // Expected keys of another home.
    const exp = await runCli(
      [
        'attest',
        'verify-bundle',
        file,
        '--allow-simulated',
        '--keys',
        join(other.AEGIS_HOME, 'keys'),
        '--json',
      ],
      env,
    );
    expect(
      (JSON.parse(exp.stdout) as { errors: Array<{ code: string }> }).errors.map((e) => e.code),
    ).toContain('BUNDLE_KEYS_MISMATCH');
    // Altered PCR values in the TPM part.
    const altered = JSON.parse(readFileSync(file, 'utf8')) as {
      tpm: { quote: { pcrs: Record<string, Record<string, string>> } };
    };
    const bank = altered.tpm.quote.pcrs['sha256'] as Record<string, string>;
    bank['0'] = 'ff'.repeat(32);
    writeFileSync(join(env.AEGIS_HOME, 'altered.json'), JSON.stringify(altered));
    const alt = await runCli(
      ['attest', 'verify-bundle', join(env.AEGIS_HOME, 'altered.json'), '--allow-simulated', '--json'],
      env,
    );
    expect(alt.code).toBe(1);
    expect((JSON.parse(alt.stdout) as { tpm: { ok: boolean } }).tpm.ok).toBe(false);
    // The real Intel anchors reject the simulator's evidence even with --allow-simulated.
    const intel = join(fixturesDir, 'tee/trust-anchors/intel');
    if (existsSync(intel)) {
      const real = await runCli(
        ['attest', 'verify-bundle', file, '--allow-simulated', '--trust-anchors', intel, '--json'],
        env,
      );
      expect(real.code).toBe(1);
      expect((JSON.parse(real.stdout) as { tee: { ok: boolean } }).tee.ok).toBe(false);
    } else {
      skipNotice(`fixtures ${intel} absent: the real-Intel-anchor rejection was not checked`);
    }
  });

  it('a changed PCR blocks unsealing with TPM_RC_POLICY_FAIL and the recovery path', async () => {
    const own = await startSwtpm();
    try {
      const env = { AEGIS_HOME: tempDir() };
      expect(
        (await runCli(['init', '--tpm', own.spec, '--tee', 'off', '--pcrs', 'sha256:16'], env)).code,
      ).toBe(0);
      expect((await runCli(['audit', 'append', '--event', '{"kind":"approval"}'], env)).code).toBe(0);
      const t = await openTpm(own.spec);
      await t.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: sha256('boot chain changed') }]);
      await t.close();
      const r = await runCli(['audit', 'append', '--event', '{"kind":"approval"}'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('TPM_RC_POLICY_FAIL');
      expect(r.stderr).toMatch(/re-seal from the offline backup|rotate the audit keys/);
    } finally {
      await own.stop();
    }
  });

  it('keys migrate moves file keys into the TPM, wipes the files, and the log goes on verifying', async () => {
    const env = { AEGIS_HOME: tempDir() };
    expect((await runCli(['init', '--tpm', 'off', '--tee', 'sim'], env)).code).toBe(0);
    expect(
      (await runCli(['audit', 'append', '--event', '{"kind":"approval","reason":"before"}'], env)).code,
    ).toBe(0);
    const { writeConfig, readConfig } = await import('#appliance/config.js');
    const home = aegisHome(env);
    writeConfig(home, { ...readConfig(home), tpm: tpm.spec });
    const m = await runCli(['keys', 'migrate', '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ ok: true, backend: 'tpm-sealed' });
    expect(existsSync(join(home.keys, 'audit-ed25519.key'))).toBe(false);
    expect(existsSync(join(home.keys, 'audit-ml-dsa-65.key'))).toBe(false);
    expect(
      (await runCli(['audit', 'append', '--event', '{"kind":"approval","reason":"after"}'], env)).code,
    ).toBe(0);
    const v = await runCli(['verify-audit', '--json'], env);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, records: 3 });
  });
});

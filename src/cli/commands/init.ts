import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { bundleDigest } from '#attestation/bundle/bundle.js';
import { probeTpm } from '#drivers/tpm/probe.js';
import { loadHomeSigner, openHomeAuditLog } from '../../appliance/audit-log.js';
import { readConfig, writeConfig, type AegisConfig } from '../../appliance/config.js';
import { collectEvidence, DEFAULT_PCRS } from '../../appliance/evidence.js';
import { aegisHome, ensureHome } from '../../appliance/home.js';
import { createKeys, keyBackend } from '../../appliance/keys.js';
import { fail } from '../../core/errors.js';
import { readPublicKeys, writeFileAtomic } from '../../crypto/key-files.js';
import { parsePcrSpec } from '#attestation/tpm/marshal.js';
import { parseTpmLocation } from '#drivers/tpm/open.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { packageRoot } from '../paths.js';
import { VERSION } from '../version.js';

interface InitOpts {
  tpm: string;
  tee: string;
  pcrs?: string;
  pq?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `aegis init`: keys (sealed in the TPM when one is present), first evidence bound to them, config, and the
 * audit log whose genesis record carries the evidence digest. Says which devices are real and which simulated.
 * Idempotent: an initialised home keeps its keys unless --force.
 */
export const initCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('init')
      .description(
        'set up $AEGIS_HOME: audit keys (TPM-sealed when a TPM is present), first evidence, config, audit log',
      )
      .option('--tpm <where>', 'auto | off | swtpm:HOST:PORT | unix:PATH | /dev/tpmrm0', 'auto')
      .option('--tee <mode>', 'auto (real when present, else simulated) | sim | off', 'auto')
      .option('--pcrs <spec>', `PCRs to seal to and quote, e.g. ${DEFAULT_PCRS}`)
      .option('--pq <mode>', 'checkpoint (ML-DSA on checkpoints) | per-record (ML-DSA on every record too)')
      .option('--force', 'replace existing keys (a log started with the old keys will refuse appends)')
      .option('--json', 'print the result as JSON')
      .action(action(io, (opts: InitOpts) => run(io, opts)));
  },
};

async function run(io: CliIo, opts: InitOpts): Promise<number> {
  const home = aegisHome(io.env);
  ensureHome(home, ['keys', 'log', 'evidence', 'state']);
  if (!['auto', 'sim', 'off'].includes(opts.tee)) fail('USAGE', '--tee must be auto, sim or off');
  if (opts.pq !== undefined && opts.pq !== 'checkpoint' && opts.pq !== 'per-record')
    fail('USAGE', '--pq must be checkpoint or per-record');
  if (opts.pcrs !== undefined) parsePcrSpec(opts.pcrs);

  let tpm: string | undefined;
  let tpmNote: string;
  if (opts.tpm === 'off') {
    tpmNote = 'off';
  } else if (opts.tpm === 'auto') {
    const p = await probeTpm('/dev/tpmrm0');
    tpm = p.present ? '/dev/tpmrm0' : undefined;
    tpmNote = p.present
      ? `real TPM /dev/tpmrm0 (${p.manufacturer ?? '?'})`
      : `none found (/dev/tpmrm0: ${p.reason ?? 'absent'})`;
  } else {
    parseTpmLocation(opts.tpm);
    const p = await probeTpm(opts.tpm);
    if (!p.present) fail('TPM_NOT_PRESENT', `no TPM answers at ${opts.tpm} (${p.reason ?? 'unknown'})`);
    tpm = opts.tpm;
    tpmNote = `${p.simulated ? 'simulated' : 'real'} TPM ${p.description ?? opts.tpm} (${p.manufacturer ?? '?'})`;
  }
  const prev = readConfig(home);
  const config: AegisConfig = {
    ...prev,
    tpm: tpm ?? 'off',
    tee: opts.tee as AegisConfig['tee'],
    pcrs: opts.pcrs ?? prev.pcrs ?? DEFAULT_PCRS,
    audit: { ...(prev.audit ?? {}), ...(opts.pq ? { pq: opts.pq as 'checkpoint' | 'per-record' } : {}) },
  };
  writeConfig(home, config);

  let backend = keyBackend(home);
  const warnings: string[] = [];
  if (!backend || opts.force) backend = (await createKeys(home, tpm)).backend;
  else if (backend === 'file' && tpm)
    warnings.push("file keys exist while a TPM is present: run 'aegis keys migrate' to seal them");
  if (backend === 'file')
    warnings.push('no TPM: the audit private keys are stored in files (mode 0600), not sealed');
  const keys = readPublicKeys(home.keys);

  const signer = await loadHomeSigner(home, io.env);
  let digest: string | null = null;
  let devices = { tee: 'off', tpm: 'off' };
  let bundlePath: string | null = null;
  if (config.tee !== 'off' || tpm) {
    const c = await collectEvidence({
      home,
      env: io.env,
      keys,
      keyBackend: backend,
      packageRoot: packageRoot(),
      version: VERSION,
    });
    devices = c.devices;
    digest = bundleDigest(c.bundle);
    mkdirSync(home.evidence, { recursive: true, mode: 0o700 });
    bundlePath = join(home.evidence, 'current.json');
    writeFileAtomic(bundlePath, JSON.stringify(c.bundle, null, 2) + '\n', 0o644);
  } else warnings.push('no TEE and no TPM: the keys are not bound to hardware evidence');

  const log = await openHomeAuditLog(home, io.env, {
    signer,
    ...(digest ? { genesisData: { evidence_digest: digest } } : {}),
  });
  const fresh = log.size === 1;
  if (!fresh && digest)
    await log.append({
      kind: 'evidence',
      reason: 'aegis init collected new evidence',
      data: { evidence_digest: digest, bundle: 'evidence/current.json' },
    });
  await log.close();
  await signer.close();

  const result = {
    ok: true,
    home: home.root,
    key_backend: backend,
    keys: { ed25519: keys.ed25519.fingerprint, ml_dsa_65: keys.mldsa.fingerprint },
    devices: { tee: devices.tee, tpm: tpm ? devices.tpm : tpmNote },
    evidence: bundlePath,
    evidence_digest: digest,
    log: { new: fresh, records: log.size },
    warnings,
  };
  if (opts.json) printJson(io, result);
  else {
    io.out(`initialised ${home.root}`);
    io.out(
      `  keys      ${backend}: ed25519 ${keys.ed25519.fingerprint}, ml-dsa-65 ${keys.mldsa.fingerprint}`,
    );
    io.out(`  TEE       ${devices.tee}`);
    io.out(`  TPM       ${result.devices.tpm}`);
    io.out(
      `  evidence  ${bundlePath ?? 'none'}${digest ? ` (digest ${digest.slice(0, 16)}…, in the log's ${fresh ? 'genesis' : 'evidence'} record)` : ''}`,
    );
    for (const w of warnings) io.out(`  warning   ${w}`);
  }
  return 0;
}

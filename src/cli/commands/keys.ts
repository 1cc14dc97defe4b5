import type { Command } from 'commander';
import { parsePcrSpec } from '#attestation/tpm/marshal.js';
import { readConfig, writeConfig } from '../../appliance/config.js';
import { requireTpm } from '../../appliance/devices.js';
import { aegisHome } from '../../appliance/home.js';
import { keyBackend, migrateKeys } from '../../appliance/keys.js';
import { fail } from '../../core/errors.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

/** `aegis keys migrate`: move file keys into the TPM (sealed to PCRs) and wipe the files. */
export const keysCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const group = program.command('keys').description('key custody: move the audit keys into the TPM');
    group
      .command('migrate')
      .description(
        "seal the audit keys' seeds in the configured TPM under a PCR policy, then wipe the private key files",
      )
      .option(
        '--from-backup <dir>',
        're-seal from an offline backup of the key files (after an expected PCR change); the backup is not touched',
      )
      .option('--pcrs <spec>', 'PCRs to seal to, e.g. sha256:0,2,7 (default: config)')
      .option('--json', 'print the result as JSON')
      .action(
        action(io, async (opts: { fromBackup?: string; pcrs?: string; json?: boolean }) => {
          const home = aegisHome(io.env);
          const tpm = requireTpm(home, io.env);
          if (opts.pcrs) {
            parsePcrSpec(opts.pcrs);
            writeConfig(home, { ...readConfig(home), pcrs: opts.pcrs });
          }
          if (!opts.fromBackup && keyBackend(home) !== 'file')
            fail('KEY_NOT_FOUND', `no file keys in ${home.keys} to migrate`);
          const r = await migrateKeys(home, tpm, opts.fromBackup);
          if (opts.json)
            printJson(io, {
              ok: true,
              backend: 'tpm-sealed',
              keys: { ed25519: r.keys.ed25519.fingerprint, ml_dsa_65: r.keys.mldsa.fingerprint },
              wiped: r.wiped,
            });
          else
            io.out(
              `audit keys sealed in the TPM (${tpm}); wiped ${r.wiped.length ? r.wiped.join(', ') : 'nothing (backup kept)'}`,
            );
          return 0;
        }),
      );
  },
};

import type { Command } from 'commander';
import { ensureHome, aegisHome } from '../../appliance/home.js';
import { toBase64 } from '../../core/encoding.js';
import { keyFilePaths, readPublicKeys, writeFileKeys } from '../../crypto/key-files.js';
import { nativeMlDsa } from '../../crypto/mldsa.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

/** `aegis audit-key init|show`: the audit signing keys in $AEGIS_HOME/keys. */
export const auditKeyCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const group = program
      .command('audit-key')
      .description('create or show the audit signing keys (Ed25519 + ML-DSA-65)');
    group
      .command('init')
      .description(
        'create new audit keys in $AEGIS_HOME/keys (private keys mode 0600, ML-DSA stored as its seed)',
      )
      .option(
        '--force',
        'replace existing keys (a log started with the old keys will no longer accept appends)',
      )
      .option('--json', 'print the result as JSON')
      .action(
        action(io, (opts: { force?: boolean; json?: boolean }) => {
          const home = aegisHome(io.env);
          ensureHome(home, ['keys']);
          const keys = writeFileKeys(home.keys, { force: opts.force === true });
          if (opts.json)
            printJson(io, {
              ok: true,
              dir: home.keys,
              ed25519: keys.ed25519.fingerprint,
              ml_dsa_65: keys.mldsa.fingerprint,
            });
          else
            io.out(
              `created audit keys in ${home.keys}\n  ed25519    ${keys.ed25519.fingerprint}\n  ml-dsa-65  ${keys.mldsa.fingerprint}`,
            );
          return 0;
        }),
      );
    group
      .command('show')
      .description('show algorithms, fingerprints, public keys (base64 SPKI) and file paths')
      .option('--json', 'print as JSON')
      .action(
        action(io, (opts: { json?: boolean }) => {
          const home = aegisHome(io.env);
          const k = readPublicKeys(home.keys);
          const p = keyFilePaths(home.keys);
          const out = {
            backend: 'file',
            ml_dsa_implementation: nativeMlDsa ? 'node:crypto' : '@noble/post-quantum',
            keys: [
              {
                alg: 'ed25519',
                fingerprint: k.ed25519.fingerprint,
                spki: toBase64(k.ed25519.spki),
                private_key: p.ed25519Key,
                public_key: p.ed25519Pub,
              },
              {
                alg: k.mldsa.alg,
                fingerprint: k.mldsa.fingerprint,
                spki: toBase64(k.mldsa.spki),
                private_key: p.mldsaKey,
                public_key: p.mldsaPub,
              },
            ],
          };
          if (opts.json) printJson(io, out);
          else
            for (const key of out.keys)
              io.out(
                `${key.alg.padEnd(10)} ${key.fingerprint}  ${key.public_key}\n           spki ${key.spki.slice(0, 48)}…`,
              );
          return 0;
        }),
      );
  },
};

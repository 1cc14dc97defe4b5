import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { runAcvp, type AcvpSummary } from '../../crypto/acvp.js';
import { runBuiltinKats } from '../../crypto/kat.js';
import { nativeMlDsa } from '../../crypto/mldsa.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { fixturesDir } from '../paths.js';

const SETS = ['ML-DSA-keyGen-FIPS204', 'ML-DSA-sigGen-FIPS204', 'ML-DSA-sigVer-FIPS204'];

/** `aegis selftest [--full]`: known-answer tests for SHA3, Ed25519 and ML-DSA; exit 1 on any mismatch. */
export const selftestCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('selftest')
      .description(
        'known-answer tests: SHA3-256, Ed25519 (RFC 8032), ML-DSA (NIST ACVP from $AEGIS_FIXTURES/acvp: 2 cases per group, all with --full)',
      )
      .option('--full', 'run every ACVP case (about 20 s)')
      .option('--json', 'print as JSON')
      .action(
        action(io, (opts: { full?: boolean; json?: boolean }) => {
          const builtin = runBuiltinKats();
          const dir = join(fixturesDir(io.env), 'acvp', 'ml-dsa');
          const acvp: AcvpSummary[] = [];
          let acvpNote: string | null = null;
          if (existsSync(dir)) {
            for (const set of SETS) {
              const read = (f: string): never =>
                JSON.parse(gunzipSync(readFileSync(join(dir, set, f))).toString('utf8')) as never;
              acvp.push(
                runAcvp(
                  read('prompt.json.gz'),
                  read('expectedResults.json.gz'),
                  opts.full ? {} : { perGroup: 2 },
                ),
              );
            }
          } else acvpNote = `ACVP vectors not found at ${dir}; ran built-in KATs only`;
          const ok = builtin.every((k) => k.ok) && acvp.every((a) => a.failed === 0);
          const result = {
            ok,
            ml_dsa_implementation: nativeMlDsa ? 'node:crypto' : '@noble/post-quantum',
            builtin,
            acvp,
            note: acvpNote,
          };
          if (opts.json) printJson(io, result);
          else {
            for (const k of builtin) io.out(`${k.ok ? 'ok  ' : 'FAIL'} ${k.name}`);
            for (const a of acvp)
              io.out(
                `${a.failed === 0 ? 'ok  ' : 'FAIL'} ACVP ${a.mode}: ${a.passed} passed, ${a.failed} failed, ${a.skipped} skipped (HashML-DSA or not selected)` +
                  (a.failures.length
                    ? ` first failures ${a.failures
                        .slice(0, 5)
                        .map((f) => `${f.tgId}/${f.tcId}`)
                        .join(', ')}`
                    : ''),
              );
            if (acvpNote) io.out(acvpNote);
            io.out(ok ? 'selftest passed' : 'selftest FAILED');
          }
          return ok ? 0 : 1;
        }),
      );
  },
};

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { parseJson } from '../../core/canonical-json.js';
import { quoteFromJson } from '#attestation/tpm/quote-json.js';
import { tpm2CheckquoteFiles } from '#attestation/tpm/tpm2-tools-files.js';
import { action, printJson, EXIT_OK } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputText } from '../input.js';
import { attestGroup } from './attest-group.js';

/**
 * `aegis attest export-tpm2 BUNDLE --dir DIR`: writes the bundle's TPM quote as the files tpm2_checkquote
 * takes, so an auditor can check it with tpm2-tools alone. Until the evidence-bundle format is final, BUNDLE is
 * any JSON file whose `tpm.quote` member (evidence bundle), `tpm` member or top level has the form of
 * attestation/tpm/quote-json.ts:
 * {quote_attest_b64, quote_sig_b64, ak_public_b64, pcrs: {sha256: {"0": hex, …}}}.
 */
interface Opts {
  dir: string;
  json?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The quote object: bundle.tpm.quote (evidence bundle), bundle.tpm (interim form) or the top level. */
function tpmMember(doc: unknown): unknown {
  if (isObject(doc)) {
    const tpm = doc['tpm'];
    if (isObject(tpm)) return isObject(tpm['quote']) ? tpm['quote'] : tpm;
    if ('quote_attest_b64' in doc) return doc;
    if (tpm === null)
      fail('TPM_QUOTE_JSON_INVALID', 'the bundle has no TPM quote (tpm is null: collected without a TPM)');
  }
  return fail('TPM_QUOTE_JSON_INVALID', 'the bundle has no `tpm` member with a TPM quote');
}

export const attestExportTpm2Command: CommandModule = {
  register(program: Command, io: CliIo) {
    attestGroup(program)
      .command('export-tpm2')
      .description(
        "write a bundle's TPM quote as the files tpm2_checkquote takes (quote.msg, quote.sig, quote.pcrs, ak.pem, ak.pub)\n" +
          'and checkquote.sh with the exact command line. BUNDLE: an evidence bundle (its tpm.quote member) or JSON with a `tpm` member\n' +
          '{quote_attest_b64, quote_sig_b64, ak_public_b64, pcrs: {sha256: {"0": hex}}} (interim format until the evidence bundle lands).',
      )
      .argument('<bundle>', 'evidence bundle JSON file')
      .requiredOption(
        '--dir <dir>',
        'output directory (created if absent; existing files of the same names are replaced)',
      )
      .option('--json', 'print {ok, dir, files, command} as JSON')
      .action(
        action(io, async (bundle: string, opts: Opts) => {
          const quote = quoteFromJson(tpmMember(parseJson(readInputText(bundle, 'bundle'))));
          const out = tpm2CheckquoteFiles(quote);
          const dir = resolve(opts.dir);
          try {
            mkdirSync(dir, { recursive: true });
            for (const [name, bytes] of Object.entries(out.files)) writeFileSync(join(dir, name), bytes);
            chmodSync(join(dir, 'checkquote.sh'), 0o755);
          } catch (e) {
            fail(
              'TPM_EXPORT_DIR_UNWRITABLE',
              `cannot write to ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
            );
          }
          const command = `tpm2_checkquote ${out.args.join(' ')}`;
          const files = Object.keys(out.files).sort();
          if (opts.json === true) printJson(io, { ok: true, dir, files, command });
          else {
            io.out(`wrote ${files.join(', ')} to ${dir}`);
            io.out(`verify with: (cd ${dir} && ${command})`);
          }
          return EXIT_OK;
        }),
      );
  },
};

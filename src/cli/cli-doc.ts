// Generates docs/cli.md from the CLI's own help texts, so the reference never drifts from the code:
//   node --import tsx src/cli/cli-doc.ts > docs/cli.md      (tests/cli/cli-doc.test.ts fails when it is stale)
import type { Command } from 'commander';
import { buildProgram } from './main.js';

export function cliReference(): string {
  const program = buildProgram({ out: () => undefined, err: () => undefined, env: {} });
  const parts: string[] = [
    '# CLI reference',
    '',
    'Generated from `aegis <verb> --help` by `node --import tsx src/cli/cli-doc.ts > docs/cli.md`; do not edit by hand.',
    'Every verb honours `$AEGIS_HOME` (default `~/.aegis`). Exit codes: 0 success, 1 verification failed or policy',
    'rejected, 2 usage, input or environment error. Errors print `aegis: CODE: message` (codes in [errors.md](errors.md)).',
    '',
  ];
  const visit = (c: Command, path: string[]): void => {
    for (const sub of c.commands) {
      const p = [...path, sub.name()];
      if (sub.commands.length === 0 || sub.options.length > 0 || sub.registeredArguments.length > 0) {
        parts.push(`## aegis ${p.join(' ')}`, '', '```text', sub.helpInformation().trimEnd(), '```', '');
      } else {
        parts.push(`## aegis ${p.join(' ')}`, '', sub.description(), '');
      }
      visit(sub, p);
    }
  };
  visit(program, []);
  return parts.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.stdout.write(cliReference());
}

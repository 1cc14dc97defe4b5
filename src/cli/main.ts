import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, exitState } from './action.js';
import { commands } from './commands/index.js';
import type { CliIo } from './context.js';
import { VERSION } from './version.js';

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
  env: process.env,
};

/** Builds the `aegis` program; every verb registers itself from src/cli/commands/. */
export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command('aegis')
    .description(
      'Aegis T3: action firewall for AI agents, tamper-evident dual-signed audit log, hardware roots of trust.\n' +
        'Home: $AEGIS_HOME (default ~/.aegis). Exit codes: 0 ok, 1 verification failed or rejected, 2 usage or environment error.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .configureHelp({ helpWidth: 110 })
    .exitOverride();
  for (const m of commands) m.register(program, io);
  // Sub-commands inherit the output and error behaviour so that bad flags anywhere exit 2 with a hint.
  const inherit = (c: Command): void => {
    for (const sub of c.commands) {
      // Fixed help width: the same text on every terminal, and docs/cli.md generated from it is stable.
      sub.configureHelp({ helpWidth: 110 });
      sub
        .exitOverride()
        .showSuggestionAfterError(true)
        .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
      sub.showHelpAfterError(`(run 'aegis ${fullName(sub)} --help' for usage)`);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

function fullName(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x !== null && x.parent !== null; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

/**
 * A reader that closes early (`aegis … | head`) must not turn into an EPIPE stack trace: stop writing and
 * exit quietly; the reader has what it wanted.
 */
function quietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

/** Process entry shared by bin/aegis.js and src/cli/entry.ts. */
export async function runProcess(): Promise<void> {
  quietOnClosedPipes();
  process.exitCode = await main(process.argv.slice(2));
}

/** Runs the CLI and returns the exit code (never throws, never prints a stack trace). */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  exitState.code = 0;
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitState.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are successes; every other commander error is a usage error.
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return EXIT_USAGE;
    }
    io.err(`aegis: INTERNAL_ERROR: ${(e as Error).message}`);
    return EXIT_USAGE;
  }
}

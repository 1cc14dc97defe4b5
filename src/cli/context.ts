import type { Command } from 'commander';

/** What every verb module gets: where to print (tests capture it) and the environment. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** One verb (or verb group) of the `aegis` CLI; each lives in its own file under src/cli/commands/. */
export interface CommandModule {
  register(program: Command, io: CliIo): void;
}

import type { Command } from 'commander';

/** The shared `aegis attest` group; each sub-command file attaches itself to it. */
export function attestGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'attest') ??
    program.command('attest').description('TEE and TPM evidence: collect, verify, export')
  );
}

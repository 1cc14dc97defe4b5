import type { Command } from 'commander';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { runDemo, type DemoResult } from '../demo/run.js';

/** `aegis demo` (also `npm run demo`): the main job, on simulated hardware by default. */
export const demoCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('demo')
      .description(
        'run a realistic Claude Code session through the real hook shim and daemon on simulated hardware\n' +
          '(swtpm + simulated TDX), then verify the resulting audit log and evidence as an auditor would',
      )
      .option('--home <dir>', 'use this AEGIS_HOME (default: a new temporary directory)')
      .option('--json', 'print the report as JSON')
      .action(
        action(io, async (opts: { home?: string; json?: boolean }) => {
          const r = await runDemo({
            ...(opts.home ? { home: opts.home } : {}),
            env: io.env,
            progress: (s) => io.err(`demo: ${s}`),
          });
          if (opts.json) printJson(io, r);
          else io.out(render(r));
          return r.ok ? 0 : 1;
        }),
      );
  },
};

function render(r: DemoResult): string {
  const lines: string[] = [
    '',
    'Aegis T3 demo: one Claude Code session through the hook shim and the daemon',
    '',
  ];
  lines.push(`  devices   TPM: ${r.devices.tpm}; TEE: ${r.devices.tee}`, '');
  lines.push('   #  step                          answer  ms      reason');
  for (const x of r.rows) {
    const reason = x.reason.replace(/\s+/g, ' ').slice(0, 110);
    lines.push(
      `  ${String(x.n).padStart(2)}  ${x.title.padEnd(29)} ${(x.ok ? '' : '!') + x.seen.padEnd(6)}  ${x.ms.toFixed(0).padStart(5)}  ${reason}`,
    );
  }
  const a = r.audit as {
    ok?: boolean;
    records?: number;
    checkpoints?: number;
    signatures?: { ed25519: number; ml_dsa: number };
    first_error?: { code: string } | null;
    hardware?: { bound?: boolean; simulated?: boolean };
  };
  const b = r.bundle as {
    ok?: boolean;
    simulated?: boolean;
    tee?: { tcb_status?: string } | null;
    tpm?: { ok?: boolean } | null;
  };
  const warm = r.rows
    .slice(1)
    .map((x) => x.ms)
    .sort((p, q) => p - q);
  lines.push('');
  lines.push(
    `  hook      first call (cold, starts the daemon) ${r.rows[0]?.ms.toFixed(0) ?? '-'} ms; warm median ${warm[Math.floor(warm.length / 2)]?.toFixed(1) ?? '-'} ms`,
  );
  lines.push(
    `  audit     ${a.ok ? 'INTACT' : 'NOT VERIFIED'}: ${a.records ?? 0} records, ${a.checkpoints ?? 0} checkpoints, ${a.signatures?.ed25519 ?? 0} Ed25519 + ${a.signatures?.ml_dsa ?? 0} ML-DSA-65 signatures verified${a.first_error ? `; first error ${a.first_error.code}` : ''}`,
  );
  lines.push(
    `  hardware  keys ${a.hardware?.bound ? 'bound' : 'NOT bound'} to evidence; bundle ${b.ok ? 'verified' : 'REJECTED'} (TDX TCB ${b.tee?.tcb_status ?? '-'}, TPM quote ${b.tpm ? (b.tpm.ok ? 'ok' : 'FAILED') : 'none'}${b.simulated ? ', SIMULATED devices' : ''})`,
  );
  lines.push(`  home      ${r.home} (inspect with AEGIS_HOME=${r.home} aegis verify-audit)`);
  lines.push(
    '',
    r.ok
      ? 'demo passed: every decision as expected, the log and the evidence verify'
      : 'demo FAILED: see the rows marked ! or the audit lines above',
  );
  return lines.join('\n');
}

import type { Command } from 'commander';
import { homePublicKeys } from '../../appliance/audit-log.js';
import { aegisHome } from '../../appliance/home.js';
import { verifyAuditLog, type AuditReport } from '../../audit/verify.js';
import { readPublicKeys } from '../../crypto/key-files.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

/** `aegis verify-audit`: the auditor's one command (DESIGN.md, flow "Audit"). */
export const verifyAuditCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('verify-audit')
      .description('verify the audit log offline: chain, every signature, every checkpoint, pinned keys. Exit 0 intact, 1 tampered, 2 missing log or usage')
      .option('--log <dir>', 'the log directory (default $AEGIS_HOME/log)')
      .option('--keys <dir>', 'pin the expected public keys from this directory (default $AEGIS_HOME/keys when present)')
      .option('--json', 'print {ok, records, checkpoints, signatures, first_error, …} as JSON')
      .action(
        action(io, async (opts: { log?: string; keys?: string; json?: boolean }) => {
          const home = aegisHome(io.env);
          let expectedKeys: { ed25519: Uint8Array; mldsa: Uint8Array } | undefined;
          if (opts.keys) {
            const k = readPublicKeys(opts.keys);
            expectedKeys = { ed25519: k.ed25519.spki, mldsa: k.mldsa.spki };
          } else expectedKeys = homePublicKeys(home);
          const report = await verifyAuditLog({ dir: opts.log ?? home.log, ...(expectedKeys ? { expectedKeys } : {}) });
          if (opts.json) printJson(io, report);
          else io.out(render(report));
          return report.ok ? 0 : 1;
        }),
      );
  },
};

function render(r: AuditReport): string {
  const lines = [
    r.ok ? 'INTACT: the audit log verifies' : 'TAMPERED: the audit log does not verify',
    `  records      ${r.records}`,
    `  checkpoints  ${r.checkpoints}`,
    `  signatures   ${r.signatures.ed25519} Ed25519, ${r.signatures.ml_dsa} ML-DSA-65 verified`,
    `  keys         ${r.keys ? `ed25519 ${r.keys.ed25519}, ml-dsa-65 ${r.keys.ml_dsa_65}` : 'unknown'}${r.keys_pinned ? ' (pinned)' : ' (NOT pinned: pass --keys to detect key substitution)'}`,
    `  pq mode      ${r.pq ?? 'unknown'}`,
    `  hardware     ${r.evidence_digest ? `keys bound to evidence ${r.evidence_digest.slice(0, 16)}…` : 'keys not bound to hardware evidence'}`,
  ];
  if (r.first_error) lines.push(`  first error  seq ${r.first_error.seq ?? '-'} ${r.first_error.code}: ${r.first_error.message}`);
  for (const w of r.warnings) lines.push(`  warning      ${w.code}: ${w.message}`);
  return lines.join('\n');
}

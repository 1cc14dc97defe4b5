import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { verifyBundle } from '#attestation/bundle/verify.js';
import { parseJson } from '../../core/canonical-json.js';
import { readInputText } from '../input.js';
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
      .description(
        'verify the audit log offline: chain, every signature, every checkpoint, pinned keys. Exit 0 intact, 1 tampered, 2 missing log or usage',
      )
      .option('--log <dir>', 'the log directory (default $AEGIS_HOME/log)')
      .option(
        '--keys <dir>',
        'pin the expected public keys from this directory (default $AEGIS_HOME/keys when present)',
      )
      .option(
        '--bundle <file>',
        'the evidence bundle whose digest the genesis record carries (default $AEGIS_HOME/evidence/current.json)',
      )
      .option(
        '--allow-simulated',
        'accept simulated TEE / software TPM evidence for the hardware binding (flagged)',
      )
      .option('--json', 'print {ok, records, checkpoints, signatures, first_error, hardware, …} as JSON')
      .action(
        action(
          io,
          async (opts: {
            log?: string;
            keys?: string;
            bundle?: string;
            allowSimulated?: boolean;
            json?: boolean;
          }) => {
            const home = aegisHome(io.env);
            let expectedKeys: { ed25519: Uint8Array; mldsa: Uint8Array } | undefined;
            if (opts.keys) {
              const k = readPublicKeys(opts.keys);
              expectedKeys = { ed25519: k.ed25519.spki, mldsa: k.mldsa.spki };
            } else expectedKeys = homePublicKeys(home);
            const report = await verifyAuditLog({
              dir: opts.log ?? home.log,
              ...(expectedKeys ? { expectedKeys } : {}),
            });
            const hardware = hardwareBinding(
              report,
              opts.bundle ?? join(home.evidence, 'current.json'),
              opts.bundle !== undefined,
              opts.allowSimulated === true,
            );
            if (opts.json) printJson(io, { ...report, hardware });
            else io.out(render(report, hardware));
            // An explicitly named bundle that does not verify fails the audit; the default one only informs.
            return report.ok && !(opts.bundle !== undefined && !hardware.bound) ? 0 : 1;
          },
        ),
      );
  },
};

interface HardwareBinding {
  /** True when a verified evidence bundle with the genesis digest binds the log's keys. */
  bound: boolean;
  evidence_digest: string | null;
  bundle: string | null;
  digest_match: boolean | null;
  simulated: boolean | null;
  errors: Array<{ code: string; message: string }>;
}

/** Whether the log's keys are hardware-bound: the genesis evidence digest, its bundle, and that bundle's verdict. */
function hardwareBinding(
  r: AuditReport,
  bundlePath: string,
  explicit: boolean,
  allowSimulated: boolean,
): HardwareBinding {
  const h: HardwareBinding = {
    bound: false,
    evidence_digest: r.evidence_digest,
    bundle: null,
    digest_match: null,
    simulated: null,
    errors: [],
  };
  if (!r.evidence_digest) {
    h.errors.push({
      code: 'AUDIT_NOT_HARDWARE_BOUND',
      message: 'the genesis record carries no evidence digest: the keys are not bound to hardware',
    });
    return h;
  }
  if (!existsSync(bundlePath)) {
    if (explicit) readInputText(bundlePath, 'bundle');
    h.errors.push({
      code: 'BUNDLE_NOT_FOUND',
      message: `no evidence bundle at ${bundlePath}; pass --bundle FILE`,
    });
    return h;
  }
  h.bundle = bundlePath;
  const v = verifyBundle(parseJson(readInputText(bundlePath, 'bundle'), 'bundle'), {
    at: new Date(),
    allowSimulated,
  });
  h.digest_match = v.digest === r.evidence_digest;
  h.simulated = v.simulated;
  h.errors.push(...v.errors);
  if (!h.digest_match)
    h.errors.push({
      code: 'BUNDLE_DIGEST_MISMATCH',
      message: "the bundle is not the one whose digest the log's genesis record carries",
    });
  const keysMatch =
    v.binding.keys !== null &&
    r.keys !== null &&
    v.binding.keys.ed25519 === r.keys.ed25519 &&
    v.binding.keys.ml_dsa_65 === r.keys.ml_dsa_65;
  if (!keysMatch)
    h.errors.push({
      code: 'BUNDLE_KEYS_MISMATCH',
      message: "the bundle binds other keys than the log's genesis keys",
    });
  h.bound = v.ok && h.digest_match && keysMatch;
  return h;
}

function render(r: AuditReport, h: HardwareBinding): string {
  const lines = [
    r.ok ? 'INTACT: the audit log verifies' : 'TAMPERED: the audit log does not verify',
    `  records      ${r.records}`,
    `  checkpoints  ${r.checkpoints}`,
    `  signatures   ${r.signatures.ed25519} Ed25519, ${r.signatures.ml_dsa} ML-DSA-65 verified`,
    `  keys         ${r.keys ? `ed25519 ${r.keys.ed25519}, ml-dsa-65 ${r.keys.ml_dsa_65}` : 'unknown'}${r.keys_pinned ? ' (pinned)' : ' (NOT pinned: pass --keys to detect key substitution)'}`,
    `  pq mode      ${r.pq ?? 'unknown'}`,
    `  hardware     ${h.bound ? `keys hardware-bound: evidence ${r.evidence_digest?.slice(0, 16)}… verified${h.simulated ? ' (SIMULATED devices)' : ''}` : r.evidence_digest ? `evidence ${r.evidence_digest.slice(0, 16)}… NOT verified (${h.errors[0]?.code ?? '?'})` : 'keys not bound to hardware evidence'}`,
  ];
  if (r.first_error)
    lines.push(
      `  first error  seq ${r.first_error.seq ?? '-'} ${r.first_error.code}: ${r.first_error.message}`,
    );
  for (const w of r.warnings) lines.push(`  warning      ${w.code}: ${w.message}`);
  return lines.join('\n');
}

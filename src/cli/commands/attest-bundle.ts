import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { verifyBundle, type BundleVerdict } from '#attestation/bundle/verify.js';
import { bundleDigest } from '#attestation/bundle/bundle.js';
import { parsePolicy } from '#attestation/validate/index.js';
import { collectEvidence } from '../../appliance/evidence.js';
import { aegisHome } from '../../appliance/home.js';
import { keyBackend } from '../../appliance/keys.js';
import { parseJson } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import { fromHex } from '../../core/encoding.js';
import { readPublicKeys, writeFileAtomic } from '../../crypto/key-files.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputText } from '../input.js';
import { readAnchorFiles } from '../anchor-files.js';
import { packageRoot } from '../paths.js';
import { VERSION } from '../version.js';
import { attestGroup } from './attest-group.js';

function parseNonce(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  const n = fromHex(hex, '--nonce');
  if (n.length < 16 || n.length > 64) fail('USAGE', '--nonce must be 16 to 64 bytes of hex');
  return n;
}

/** `aegis attest collect` and `aegis attest verify-bundle` (issue 4: evidence bundle). */
export const attestBundleCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const group = attestGroup(program);
    group
      .command('collect')
      .description(
        'collect TEE evidence and a TPM quote bound to the audit public keys and a nonce (DESIGN.md, Evidence flow)',
      )
      .option('--nonce <hex>', 'verifier nonce, 16-64 bytes of hex (default: 32 random bytes)')
      .option('--out <file>', 'write the bundle here (default $AEGIS_HOME/evidence/bundle-<time>.json)')
      .option('--json', 'print {ok, out, digest, devices} as JSON')
      .action(
        action(io, async (opts: { nonce?: string; out?: string; json?: boolean }) => {
          const home = aegisHome(io.env);
          const backend = keyBackend(home);
          if (!backend) fail('KEY_NOT_FOUND', `no audit keys in ${home.keys}; run 'aegis init'`);
          const nonce = parseNonce(opts.nonce);
          const { bundle, devices } = await collectEvidence({
            home,
            env: io.env,
            keys: readPublicKeys(home.keys),
            keyBackend: backend,
            packageRoot: packageRoot(),
            version: VERSION,
            ...(nonce ? { nonce } : {}),
          });
          mkdirSync(home.evidence, { recursive: true, mode: 0o700 });
          const out = opts.out ?? join(home.evidence, `bundle-${bundle.created.replace(/[:.]/g, '-')}.json`);
          writeFileAtomic(out, JSON.stringify(bundle, null, 2) + '\n', 0o644);
          const digest = bundleDigest(bundle);
          if (opts.json)
            printJson(io, {
              ok: true,
              out,
              digest,
              devices,
              simulated: Boolean(bundle.tee?.simulated || bundle.tpm?.simulated),
            });
          else io.out(`wrote ${out}\n  digest ${digest}\n  TEE    ${devices.tee}\n  TPM    ${devices.tpm}`);
          return 0;
        }),
      );
    group
      .command('verify-bundle')
      .description(
        'verify an evidence bundle offline: quote or report up to the vendor root, TPM quote, key binding, nonce, policy.\nSimulated evidence is rejected unless --allow-simulated. Exit 0 accepted, 1 rejected, 2 unreadable',
      )
      .argument('<file>', 'the bundle JSON (from aegis attest collect)')
      .option('--nonce <hex>', 'the nonce the verifier sent; the bundle must carry it')
      .option('--policy <file>', 'appraisal policy JSON (policies/attestation/appraisal-policy.schema.json)')
      .option('--trust-anchors <dir>', 'root certificates to accept instead of the pinned Intel / AMD roots')
      .option('--keys <dir>', 'expected audit public keys (audit-ed25519.pub, audit-ml-dsa-65.pub)')
      .option('--at <iso8601>', 'verification time (default now)')
      .option(
        '--allow-simulated',
        'accept evidence from simulators and swtpm, flagged as simulated in the output',
      )
      .option(
        '--ak-name <hex>',
        'pin the TPM attestation key by its Name (from an earlier EK credential activation); a quote by any other AK fails',
      )
      .option('--json', 'print {ok, simulated, tee, tpm, binding, policy, errors}')
      .action(
        action(
          io,
          (
            file: string,
            opts: {
              nonce?: string;
              policy?: string;
              trustAnchors?: string;
              keys?: string;
              at?: string;
              allowSimulated?: boolean;
              akName?: string;
              json?: boolean;
            },
          ) => {
            const bundle = parseJson(readInputText(file, 'bundle'), 'bundle');
            const at = opts.at ? new Date(opts.at) : new Date();
            if (Number.isNaN(at.getTime()))
              fail('USAGE', `--at ${opts.at ?? ''} is not an ISO 8601 date-time`);
            const nonce = parseNonce(opts.nonce);
            const k = opts.keys ? readPublicKeys(opts.keys) : undefined;
            const v = verifyBundle(bundle, {
              at,
              allowSimulated: opts.allowSimulated === true,
              ...(nonce ? { nonce } : {}),
              ...(opts.policy
                ? { policy: parsePolicy(parseJson(readInputText(opts.policy, 'policy'), 'policy')) }
                : {}),
              ...(opts.trustAnchors
                ? { trustAnchorCerts: readAnchorFiles(opts.trustAnchors).map((f) => f.bytes) }
                : {}),
              ...(k ? { expectedKeys: { ed25519: k.ed25519.spki, mldsa: k.mldsa.spki } } : {}),
              ...(opts.akName ? { akName: fromHex(opts.akName, '--ak-name') } : {}),
            });
            if (opts.json) printJson(io, v);
            else io.out(render(v));
            if (v.digest === null) return 2;
            return v.ok ? 0 : 1;
          },
        ),
      );
  },
};

function render(v: BundleVerdict): string {
  const lines = [
    `${v.ok ? 'ACCEPTED' : 'REJECTED'}: evidence bundle${v.simulated ? ' (SIMULATED evidence)' : ''}`,
  ];
  if (v.tee)
    lines.push(
      `  TEE      ${v.tee.tee ?? '?'} ${v.tee.ok ? 'verified' : 'FAILED'} to the ${v.tee.simulated ? 'simulator' : 'vendor'} root; TCB ${v.tee.tcb_status ?? '-'}; report_data ${v.tee.binding_ok ? 'binds' : 'does NOT bind'} the keys`,
    );
  else lines.push('  TEE      none');
  if (v.tpm)
    lines.push(
      `  TPM      quote ${v.tpm.ok ? 'verified' : 'FAILED'}${v.tpm.simulated ? ' (software TPM)' : ''}; ${Object.keys(v.tpm.pcrs).length} PCRs; reset ${v.tpm.reset_count ?? '-'} restart ${v.tpm.restart_count ?? '-'}`,
    );
  else lines.push('  TPM      none');
  if (v.tpm?.ak_name)
    lines.push(
      `  AK       ${v.tpm.ak_name}${v.tpm.ak_trusted ? ' (pinned)' : ' (NOT pinned: pass --ak-name to require this AK)'}`,
    );
  lines.push(
    `  keys     ${v.binding.keys ? `ed25519 ${v.binding.keys.ed25519}, ml-dsa-65 ${v.binding.keys.ml_dsa_65}` : '-'}; binding ${v.binding.ok ? 'ok' : 'FAILED'}; nonce ${v.binding.nonce_ok ? 'ok' : 'MISMATCH'}`,
  );
  lines.push(
    `  policy   ${v.policy.checked.length} checked, ${v.policy.failed.length} failed, ${v.policy.not_checked.length} not checked`,
  );
  for (const e of v.errors) lines.push(`  error    ${e.code}: ${e.message}`);
  for (const w of v.warnings) lines.push(`  warning  ${w.code}: ${w.message}`);
  return lines.join('\n');
}

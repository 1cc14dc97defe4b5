import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { decodeBinaryOrText } from '../../core/encoding.js';
import { parseJson } from '../../core/canonical-json.js';
import { aegisHome } from '../../appliance/home.js';
import { parseDcapCollateral, verifyDcapQuote } from '#attestation/dcap/index.js';
import { extractSnpReport, verifySnpReport } from '#attestation/sev-snp/index.js';
import {
  certsFromBlob,
  dcapAnchorsFromCerts,
  snpAnchorsFromCerts,
  type Cert,
  type DcapTrustAnchors,
  type SnpTrustAnchors,
} from '#attestation/trust/index.js';
import {
  dcapReport,
  parsePolicy,
  snpReport,
  type AppraisalPolicy,
  type AttestationReport,
} from '#attestation/validate/index.js';
import { action, printJson, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputFile, readInputText } from '../input.js';
import { readAnchorFiles } from '../anchor-files.js';
import { attestGroup } from './attest-group.js';

/**
 * `aegis attest verify`: offline verification of an Intel DCAP quote (SGX v3, TDX v4/v5) with its
 * QuoteCollateralV3, or of an AMD SEV-SNP report with its VCEK / VLEK, plus an optional appraisal policy.
 * Exit 0 accepted, 1 rejected, 2 usage or unreadable input (including evidence that does not parse).
 */
interface Opts {
  quote?: string;
  collateral?: string;
  snpReport?: string;
  vek?: string;
  at?: string;
  policy?: string;
  trustAnchors?: string;
  json?: boolean;
}

const CRL_FILE = /\.crl$/i;

/** AMD KDS CRLs (`…/vcek/v1/{product}/crl`, DER) kept next to the anchors as *.crl. */
function readAnchorCrls(dir: string): Uint8Array[] {
  return readdirSync(dir)
    .filter((n) => CRL_FILE.test(n))
    .sort()
    .map((f) => readInputFile(join(dir, f), 'CRL'));
}

function readAnchorDir(dir: string): Cert[] {
  const certs = readAnchorFiles(dir).flatMap((f) => certsFromBlob(f.bytes, `trust anchor ${f.name}`));
  if (certs.length === 0) fail('TRUST_ANCHORS_INVALID', `no .pem/.der/.crt/.cer certificate in ${dir}`);
  return certs;
}

/** --trust-anchors, else $AEGIS_TRUST_ANCHORS, else $AEGIS_HOME/trust-anchors when present. */
function anchorDir(opts: Opts, io: CliIo): string | undefined {
  if (opts.trustAnchors !== undefined) return opts.trustAnchors;
  const env = io.env['AEGIS_TRUST_ANCHORS'];
  if (env !== undefined && env !== '') return env;
  const home = join(aegisHome(io.env).root, 'trust-anchors');
  return existsSync(home) ? home : undefined;
}

function parseAt(s: string | undefined): Date {
  if (s === undefined) return new Date();
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(d.getTime()))
    fail('USAGE', `--at ${s} is not an ISO 8601 date-time`);
  return d;
}

function readPolicy(path: string | undefined): AppraisalPolicy | undefined {
  return path === undefined ? undefined : parsePolicy(parseJson(readInputText(path, 'policy'), 'policy'));
}

function verifyQuote(
  opts: Opts,
  io: CliIo,
  at: Date,
  policy: AppraisalPolicy | undefined,
): AttestationReport {
  if (opts.collateral === undefined)
    fail('USAGE', '--quote needs --collateral FILE (QuoteCollateralV3 JSON)');
  const quote = decodeBinaryOrText(readInputFile(opts.quote as string, 'quote'));
  const collateral = parseDcapCollateral(readInputText(opts.collateral, 'collateral'));
  const dir = anchorDir(opts, io);
  const trustAnchors: DcapTrustAnchors | undefined =
    dir === undefined ? undefined : dcapAnchorsFromCerts(readAnchorDir(dir));
  return dcapReport(
    verifyDcapQuote(quote, collateral, trustAnchors === undefined ? { at } : { at, trustAnchors }),
    policy,
  );
}

function verifyReport(
  opts: Opts,
  io: CliIo,
  at: Date,
  policy: AppraisalPolicy | undefined,
): AttestationReport {
  if (opts.vek === undefined) fail('USAGE', '--snp-report needs --vek FILE (the VCEK or VLEK, DER or PEM)');
  // A bare report, or the Azure vTPM HCL report that wraps one.
  const { report } = extractSnpReport(
    decodeBinaryOrText(readInputFile(opts.snpReport as string, 'SNP report')),
  );
  const vek = readInputFile(opts.vek, 'VEK');
  const dir = anchorDir(opts, io);
  let trustAnchors: SnpTrustAnchors;
  if (dir !== undefined) {
    trustAnchors = { ...snpAnchorsFromCerts(readAnchorDir(dir)), crls: readAnchorCrls(dir) };
  } else if (certsFromBlob(vek, 'VEK').length > 1) {
    // A PEM bundle VEK ‖ ASK ‖ ARK (as KDS cert_chain plus the VEK): its ARK is trusted only if AMD-pinned.
    trustAnchors = { certs: [] };
  } else {
    fail(
      'TRUST_ANCHORS_MISSING',
      'SEV-SNP needs the AMD ARK and ASK/ASVK: pass --trust-anchors DIR, or a --vek PEM bundle VEK+ASK+ARK (https://kdsintf.amd.com/vcek/v1/<product>/cert_chain)',
    );
  }
  return snpReport(verifySnpReport(report, vek, { at, trustAnchors }), policy);
}

function render(r: AttestationReport): string {
  const m = r.measurements;
  const lines = [
    `${r.ok ? 'ACCEPTED' : 'REJECTED'}: ${r.tee ?? 'unknown'} evidence${r.version === null ? '' : ` version ${r.version}`}`,
  ];
  if (r.tcb_status !== null) {
    const c = m['tcb_components'] as
      { platform: string | null; qe: string | null; tdx_module: string | null } | undefined;
    lines.push(
      `  TCB status    ${r.tcb_status}${c ? ` (platform ${c.platform ?? '-'}, QE ${c.qe ?? '-'}, TDX module ${c.tdx_module ?? '-'})` : ''}`,
    );
  }
  if (r.advisory_ids.length > 0) lines.push(`  advisories    ${r.advisory_ids.join(', ')}`);
  for (const k of ['mr_td', 'mr_enclave', 'mr_signer', 'measurement', 'host_data', 'product', 'signer']) {
    if (typeof m[k] === 'string') lines.push(`  ${k.padEnd(13)} ${m[k] as string}`);
  }
  if (m['reported_tcb'] !== undefined && m['reported_tcb'] !== null)
    lines.push(`  reported TCB  ${JSON.stringify(m['reported_tcb'])}`);
  if (r.report_data !== null) lines.push(`  report_data   ${r.report_data}`);
  const p = r.policy;
  lines.push(
    `  policy        ${p.checked.length} checked, ${p.failed.length} failed, ${p.not_checked.length} not checked`,
  );
  if (p.failed.length > 0) lines.push(`  failed        ${p.failed.join(', ')}`);
  if (p.not_checked.length > 0) lines.push(`  not checked   ${p.not_checked.join(', ')}`);
  for (const e of r.errors) lines.push(`  error         ${e.code}: ${e.message}`);
  return lines.join('\n');
}

export const attestVerifyCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    attestGroup(program)
      .command('verify')
      .description(
        'verify an Intel DCAP quote (SGX v3, TDX v4/v5) or an AMD SEV-SNP report offline, up to the vendor roots,\n' +
          'and appraise it against a policy. Exit 0 accepted, 1 rejected, 2 usage or unreadable input.',
      )
      .option('--quote <file>', 'DCAP quote (binary, hex or base64)')
      .option(
        '--collateral <file>',
        'QuoteCollateralV3 JSON for --quote (TCB Info, QE Identity, CRLs, issuer chains)',
      )
      .option(
        '--snp-report <file>',
        'SEV-SNP attestation report (1184 bytes, or an Azure HCL report wrapping one; binary, hex or base64)',
      )
      .option(
        '--vek <file>',
        'VCEK or VLEK for --snp-report (DER or PEM; a PEM bundle may append ASK/ASVK and ARK)',
      )
      .option(
        '--at <iso8601>',
        'verification time (default now): every certificate, CRL and collateral item must be valid then',
      )
      .option('--policy <file>', 'appraisal policy JSON (policies/attestation/appraisal-policy.schema.json)')
      .option(
        '--trust-anchors <dir>',
        'root / ARK / ASK certificates (.pem .der) and AMD CRLs (.crl); default $AEGIS_TRUST_ANCHORS, $AEGIS_HOME/trust-anchors, Intel root pinned by SHA-256',
      )
      .option(
        '--json',
        'print {ok, tee, version, tcb_status, advisory_ids, measurements, report_data, policy, errors}',
      )
      .action(
        action(io, (opts: Opts) => {
          if ((opts.quote === undefined) === (opts.snpReport === undefined)) {
            fail(
              'USAGE',
              'give exactly one of --quote FILE (with --collateral) or --snp-report FILE (with --vek)',
            );
          }
          const at = parseAt(opts.at);
          const policy = readPolicy(opts.policy);
          const report =
            opts.quote !== undefined ? verifyQuote(opts, io, at, policy) : verifyReport(opts, io, at, policy);
          if (opts.json) printJson(io, report);
          else io.out(render(report));
          if (report.ok) return EXIT_OK;
          // Evidence that does not even parse is unreadable input, not a verification verdict.
          return report.version === null ? EXIT_USAGE : EXIT_FAILED;
        }),
      );
  },
};

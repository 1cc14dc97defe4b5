import { toHex } from '#core/encoding.js';
import type { JsonValue } from '#core/canonical-json.js';
import type { VerifyError } from '../abi-common/verdict.js';
import { dcapMeasurements, type DcapVerdict } from '../dcap/verify.js';
import { snpMeasurements, type SnpVerdict } from '../sev-snp/verify.js';
import { appraise, dcapClaims, snpClaims } from './appraise.js';
import type { AppraisalPolicy } from './policy.js';

/**
 * The attestation report of `aegis attest verify --json` (issue 3, CLI): one shape for DCAP and SNP, so
 * tools (and `attest verify-bundle`) read verdicts the same way. `ok` needs a clean verification and no
 * failed policy check.
 */
export interface AttestationReport {
  ok: boolean;
  tee: 'sgx' | 'tdx' | 'sev-snp' | null;
  version: number | null;
  tcb_status: string | null;
  advisory_ids: string[];
  measurements: { [k: string]: JsonValue };
  report_data: string | null;
  policy: { checked: string[]; failed: string[]; not_checked: string[] };
  errors: VerifyError[];
}

export function dcapReport(v: DcapVerdict, policy: AppraisalPolicy | undefined): AttestationReport {
  const q = v.quote;
  const pol = q === undefined ? undefined : appraise(dcapClaims(q, v.tcbStatus), policy);
  const errors = [...v.errors, ...(pol?.violations ?? [])];
  const measurements: { [k: string]: JsonValue } = q === undefined ? {} : dcapMeasurements(q);
  if (q !== undefined) {
    measurements['tcb_components'] = {
      platform: v.components.platform ?? null,
      qe: v.components.qe ?? null,
      tdx_module: v.components.tdxModule ?? null,
    };
    if (v.fmspc !== undefined) measurements['fmspc'] = v.fmspc;
  }
  return {
    ok: v.ok && errors.length === 0,
    tee: v.tee ?? null,
    version: v.version ?? null,
    tcb_status: v.tcbStatus ?? null,
    advisory_ids: v.advisoryIds,
    measurements,
    report_data: q === undefined ? null : toHex(q.body.report.reportData),
    policy: { checked: pol?.checked ?? [], failed: pol?.failed ?? [], not_checked: pol?.not_checked ?? [] },
    errors,
  };
}

export function snpReport(v: SnpVerdict, policy: AppraisalPolicy | undefined): AttestationReport {
  const r = v.report;
  const pol = r === undefined ? undefined : appraise(snpClaims(r, v.reportedTcb), policy);
  const errors = [...v.errors, ...(pol?.violations ?? [])];
  const measurements: { [k: string]: JsonValue } = r === undefined ? {} : snpMeasurements(r);
  if (r !== undefined) {
    measurements['product'] = v.product ?? null;
    measurements['signer'] = v.signer ?? null;
    measurements['reported_tcb'] = v.reportedTcb === undefined ? null : { ...v.reportedTcb };
  }
  return {
    ok: v.ok && errors.length === 0,
    tee: 'sev-snp',
    version: v.version ?? null,
    // SNP has no TCB status scale: the VEK certifies REPORTED_TCB, and a policy sets the minimum.
    tcb_status: null,
    advisory_ids: [],
    measurements,
    report_data: r === undefined ? null : toHex(r.reportData),
    policy: { checked: pol?.checked ?? [], failed: pol?.failed ?? [], not_checked: pol?.not_checked ?? [] },
    errors,
  };
}

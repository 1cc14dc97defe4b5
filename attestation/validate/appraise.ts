import { toHex } from '#core/encoding.js';
import type { VerifyError } from '../abi-common/verdict.js';
import type { DcapQuote } from '../dcap/quote.js';
import { sgxIsDebug } from '../sgx/report-body.js';
import { tdIsDebug } from '../tdx/td-report-body.js';
import type { SnpReport } from '../sev-snp/report.js';
import type { SnpTcb } from '../sev-snp/tcb.js';
import { CHECKS, SNP_POLICY_BITS, SNP_TCB_PARTS, type Tee } from './checks.js';
import type { AppraisalPolicy, PolicyValue } from './policy.js';

/**
 * Appraisal of verified evidence against a policy. Every applicable check lands in exactly one of
 * `checked` (named by the policy and evaluated; failures also in `failed`) or `not_checked` (not named),
 * so a report never implies that something unnamed was verified.
 */
export type ClaimValue = string | number | boolean | undefined;

export interface Claims {
  tee: Tee;
  values: ReadonlyMap<string, ClaimValue>;
  /** Checks of this TEE that this evidence cannot have (e.g. the FMC SPL before Turin). */
  notApplicable?: ReadonlySet<string>;
}

export interface PolicyResult {
  checked: string[];
  failed: string[];
  not_checked: string[];
  /** One POLICY_VIOLATION per failed check, with expected and actual values in the message. */
  violations: VerifyError[];
}

/** Claims of a parsed DCAP quote; `tcbStatus` is the verifier's converged status. */
export function dcapClaims(q: DcapQuote, tcbStatus: string | undefined): Claims {
  const v = new Map<string, ClaimValue>([['accepted_tcb_statuses', tcbStatus]]);
  if (q.body.kind === 'sgx') {
    const b = q.body.report;
    v.set('tee', 'sgx')
      .set('report_data', toHex(b.reportData))
      .set('debug_forbidden', sgxIsDebug(b))
      .set('sgx.mr_enclave', toHex(b.mrEnclave))
      .set('sgx.mr_signer', toHex(b.mrSigner))
      .set('sgx.isv_prod_id', b.isvProdId)
      .set('sgx.min_isv_svn', b.isvSvn);
    return { tee: 'sgx', values: v };
  }
  const t = q.body.report;
  v.set('tee', 'tdx')
    .set('report_data', toHex(t.reportData))
    .set('debug_forbidden', tdIsDebug(t))
    .set('tdx.mr_td', toHex(t.mrTd))
    .set('tdx.mr_seam', toHex(t.mrSeam))
    .set('tdx.mr_signer_seam', toHex(t.mrSignerSeam))
    .set('tdx.td_attributes', toHex(t.tdAttributes))
    .set('tdx.xfam', toHex(t.xfam))
    .set('tdx.mr_config_id', toHex(t.mrConfigId))
    .set('tdx.mr_owner', toHex(t.mrOwner))
    .set('tdx.mr_owner_config', toHex(t.mrOwnerConfig));
  t.rtmr.forEach((m, i) => v.set(`tdx.rtmr${i}`, toHex(m)));
  return { tee: 'tdx', values: v };
}

/** Claims of a parsed SNP report; `tcb` is REPORTED_TCB decoded for the product. */
export function snpClaims(r: SnpReport, tcb: SnpTcb | undefined): Claims {
  const bit = (n: number): boolean => ((r.policy >> BigInt(n)) & 1n) === 1n;
  const v = new Map<string, ClaimValue>([
    ['tee', 'sev-snp'],
    ['report_data', toHex(r.reportData)],
    ['debug_forbidden', bit(SNP_POLICY_BITS.debug)],
    ['sev_snp.measurement', toHex(r.measurement)],
    ['sev_snp.host_data', toHex(r.hostData)],
    ['sev_snp.id_key_digest', toHex(r.idKeyDigest)],
    ['sev_snp.author_key_digest', toHex(r.authorKeyDigest)],
    ['sev_snp.vmpl', r.vmpl],
    ['sev_snp.min_guest_svn', r.guestSvn],
  ]);
  for (const p of SNP_TCB_PARTS) v.set(`sev_snp.min_tcb.${p}`, tcb?.[p]);
  for (const [b, n] of Object.entries(SNP_POLICY_BITS)) v.set(`sev_snp.guest_policy.${b}`, bit(n));
  // TCB_VERSION has an FMC field from Turin on only (#56860 "TCB_VERSION Structure").
  const notApplicable = new Set<string>(tcb?.fmc === undefined ? ['sev_snp.min_tcb.fmc'] : []);
  return { tee: 'sev-snp', values: v, notApplicable };
}

function passes(kind: string, want: PolicyValue, got: ClaimValue): boolean {
  switch (kind) {
    case 'min':
      return typeof got === 'number' && typeof want === 'number' && got >= want;
    case 'forbid':
      return want === false || got === false;
    case 'one-of':
      return typeof got === 'string' && Array.isArray(want) && want.includes(got);
    default:
      return got === want;
  }
}

const show = (x: PolicyValue | ClaimValue): string =>
  x === undefined ? 'absent' : Array.isArray(x) ? x.join('|') : String(x);

export function appraise(claims: Claims, policy: AppraisalPolicy | undefined): PolicyResult {
  const res: PolicyResult = { checked: [], failed: [], not_checked: [], violations: [] };
  for (const def of CHECKS) {
    const applies = def.tees.includes(claims.tee) && claims.notApplicable?.has(def.name) !== true;
    const want = policy?.expected.get(def.name);
    if (want === undefined) {
      if (applies) res.not_checked.push(def.name);
      continue;
    }
    res.checked.push(def.name);
    // A check for another TEE fails closed: an SGX policy must not pass TDX evidence.
    const got = applies ? claims.values.get(def.name) : undefined;
    const ok = applies && passes(def.kind, want, got);
    if (!ok) {
      res.failed.push(def.name);
      res.violations.push({
        code: 'POLICY_VIOLATION',
        message: applies
          ? `${def.name}: expected ${def.kind === 'min' ? '>= ' : ''}${show(want)}, evidence has ${show(got)}`
          : `${def.name}: does not apply to this ${claims.tee} evidence`,
      });
    }
  }
  return res;
}

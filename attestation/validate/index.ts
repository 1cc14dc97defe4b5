/** Appraisal policies for TEE evidence: parse a policy, derive claims from verified evidence, appraise. */
export { parsePolicy } from './policy.js';
export type { AppraisalPolicy, PolicyValue } from './policy.js';
export { appraise, dcapClaims, snpClaims } from './appraise.js';
export type { Claims, ClaimValue, PolicyResult } from './appraise.js';
export { CHECKS, CHECK_BY_NAME, SNP_POLICY_BITS, SNP_TCB_PARTS } from './checks.js';
export type { CheckDef, CheckKind, Tee } from './checks.js';
export { dcapReport, snpReport } from './report.js';
export type { AttestationReport } from './report.js';

/**
 * The appraisal checks an attestation policy can name (issue 3, "validate"), one per claim of the evidence.
 * A name is `section.field` as written in the policy file (policies/attestation/appraisal-policy.schema.json).
 * `kind` says how the policy value is compared with the evidence value.
 */
export type CheckKind = 'hex' | 'eq' | 'min' | 'bool' | 'forbid' | 'one-of';
export type Tee = 'sgx' | 'tdx' | 'sev-snp';

export interface CheckDef {
  name: string;
  kind: CheckKind;
  /** TEEs the check applies to. */
  tees: readonly Tee[];
  /** Byte length of a 'hex' value. */
  bytes?: number;
}

const ALL: readonly Tee[] = ['sgx', 'tdx', 'sev-snp'];
const DCAP: readonly Tee[] = ['sgx', 'tdx'];

const hex = (name: string, bytes: number, tees: readonly Tee[]): CheckDef => ({
  name,
  kind: 'hex',
  bytes,
  tees,
});

export const SNP_TCB_PARTS = ['bootloader', 'tee', 'snp', 'microcode', 'fmc'] as const;
/** GUEST_POLICY bits a policy may pin (#56860 "GUEST_POLICY"; bit numbers in policyBit). */
export const SNP_POLICY_BITS = {
  smt: 16,
  migrate_ma: 18,
  debug: 19,
  single_socket: 20,
  cxl_allow: 21,
  mem_aes_256_xts: 22,
  rapl_dis: 23,
  ciphertext_hiding: 24,
  page_swap_disable: 25,
} as const;

export const CHECKS: readonly CheckDef[] = [
  { name: 'tee', kind: 'eq', tees: ALL },
  hex('report_data', 64, ALL),
  { name: 'debug_forbidden', kind: 'forbid', tees: ALL },
  { name: 'accepted_tcb_statuses', kind: 'one-of', tees: DCAP },
  hex('tdx.mr_td', 48, ['tdx']),
  hex('tdx.rtmr0', 48, ['tdx']),
  hex('tdx.rtmr1', 48, ['tdx']),
  hex('tdx.rtmr2', 48, ['tdx']),
  hex('tdx.rtmr3', 48, ['tdx']),
  hex('tdx.mr_seam', 48, ['tdx']),
  hex('tdx.mr_signer_seam', 48, ['tdx']),
  hex('tdx.td_attributes', 8, ['tdx']),
  hex('tdx.xfam', 8, ['tdx']),
  hex('tdx.mr_config_id', 48, ['tdx']),
  hex('tdx.mr_owner', 48, ['tdx']),
  hex('tdx.mr_owner_config', 48, ['tdx']),
  hex('sgx.mr_enclave', 32, ['sgx']),
  hex('sgx.mr_signer', 32, ['sgx']),
  { name: 'sgx.isv_prod_id', kind: 'eq', tees: ['sgx'] },
  { name: 'sgx.min_isv_svn', kind: 'min', tees: ['sgx'] },
  hex('sev_snp.measurement', 48, ['sev-snp']),
  hex('sev_snp.host_data', 32, ['sev-snp']),
  hex('sev_snp.id_key_digest', 48, ['sev-snp']),
  hex('sev_snp.author_key_digest', 48, ['sev-snp']),
  { name: 'sev_snp.vmpl', kind: 'eq', tees: ['sev-snp'] },
  { name: 'sev_snp.min_guest_svn', kind: 'min', tees: ['sev-snp'] },
  ...SNP_TCB_PARTS.map((p): CheckDef => ({ name: `sev_snp.min_tcb.${p}`, kind: 'min', tees: ['sev-snp'] })),
  ...Object.keys(SNP_POLICY_BITS).map((b): CheckDef => ({
    name: `sev_snp.guest_policy.${b}`,
    kind: 'bool',
    tees: ['sev-snp'],
  })),
];

export const CHECK_BY_NAME: ReadonlyMap<string, CheckDef> = new Map(CHECKS.map((c) => [c.name, c]));

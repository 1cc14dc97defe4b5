import { SNP_REPORT_SIZE } from './report.js';

/**
 * Containers that carry an SNP report (reference/tee-evidence-layouts.md §4.3). Only the Azure SNP vTPM
 * "HCL report" is recognised, by its `HCLA` magic: the report sits at 0x20..0x4C0. Anything else is
 * returned unchanged, so the report parser decides (and rejects unknown wrappers with a code).
 */
const HCL_MAGIC = [0x48, 0x43, 0x4c, 0x41]; // "HCLA"
const HCL_REPORT_OFFSET = 0x20;

export function extractSnpReport(blob: Uint8Array): { report: Uint8Array; container: 'none' | 'azure-hcl' } {
  const isHcl =
    blob.length >= HCL_REPORT_OFFSET + SNP_REPORT_SIZE && HCL_MAGIC.every((b, i) => blob[i] === b);
  return isHcl
    ? {
        report: blob.subarray(HCL_REPORT_OFFSET, HCL_REPORT_OFFSET + SNP_REPORT_SIZE),
        container: 'azure-hcl',
      }
    : { report: blob, container: 'none' };
}

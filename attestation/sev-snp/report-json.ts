import { toHex } from '#core/encoding.js';
import type { JsonValue } from '#core/canonical-json.js';
import type { SnpReport } from './report.js';

/** The parsed form of a report as plain JSON (hex bytes, u64 as 0x-hex strings): golden files and dumps. */
export function snpReportJson(r: SnpReport): JsonValue {
  const u64 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
  return {
    version: r.version,
    guest_svn: r.guestSvn,
    policy: u64(r.policy),
    family_id: toHex(r.familyId),
    image_id: toHex(r.imageId),
    vmpl: r.vmpl,
    signature_algo: r.signatureAlgo,
    current_tcb: toHex(r.currentTcb),
    platform_info: u64(r.platformInfo),
    key_info: r.keyInfo,
    report_data: toHex(r.reportData),
    measurement: toHex(r.measurement),
    host_data: toHex(r.hostData),
    id_key_digest: toHex(r.idKeyDigest),
    author_key_digest: toHex(r.authorKeyDigest),
    report_id: toHex(r.reportId),
    report_id_ma: toHex(r.reportIdMa),
    reported_tcb: toHex(r.reportedTcb),
    cpuid_fam_id: r.cpuidFamId,
    cpuid_mod_id: r.cpuidModId,
    cpuid_step: r.cpuidStep,
    chip_id: toHex(r.chipId),
    committed_tcb: toHex(r.committedTcb),
    current_version: `${r.currentMajor}.${r.currentMinor}.${r.currentBuild}`,
    committed_version: `${r.committedMajor}.${r.committedMinor}.${r.committedBuild}`,
    launch_tcb: toHex(r.launchTcb),
    launch_mit_vector: u64(r.launchMitVector),
    current_mit_vector: u64(r.currentMitVector),
    signature_r: toHex(r.sigR),
    signature_s: toHex(r.sigS),
  };
}

import { ByteReader, ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { mbz, take } from '../abi-common/fields.js';
import type { SnpProduct } from '../trust/anchors.js';

/**
 * SEV-SNP ATTESTATION_REPORT, versions 2, 3 (4 uses the v3 layout) and 5: 1184 bytes, signed over
 * 0x000–0x29F (SEV-SNP Firmware ABI #56860, table "ATTESTATION_REPORT Structure";
 * reference/tee-evidence-layouts.md §4). Fields a version does not define are reserved and must be zero.
 */
export const SNP_REPORT_SIZE = 0x4a0;
export const SNP_SIGNED_SIZE = 0x2a0;

export interface SnpReport {
  version: number;
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array; // 16
  imageId: Uint8Array; // 16
  vmpl: number;
  signatureAlgo: number;
  currentTcb: Uint8Array; // 8 (TCB_VERSION, decode with the product)
  platformInfo: bigint;
  /** Signer info: bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY (0 VCEK, 1 VLEK, 7 none). */
  keyInfo: number;
  reportData: Uint8Array; // 64
  measurement: Uint8Array; // 48
  hostData: Uint8Array; // 32
  idKeyDigest: Uint8Array; // 48
  authorKeyDigest: Uint8Array; // 48
  reportId: Uint8Array; // 32
  reportIdMa: Uint8Array; // 32
  reportedTcb: Uint8Array; // 8
  /** v3+: CPUID family, model, stepping (0 in v2). */
  cpuidFamId: number;
  cpuidModId: number;
  cpuidStep: number;
  chipId: Uint8Array; // 64
  committedTcb: Uint8Array; // 8
  currentBuild: number;
  currentMinor: number;
  currentMajor: number;
  committedBuild: number;
  committedMinor: number;
  committedMajor: number;
  launchTcb: Uint8Array; // 8
  /** v5 only (0 before). */
  launchMitVector: bigint;
  currentMitVector: bigint;
  /** Signature R and S as stored: 72-byte little-endian integers (48 significant bytes). */
  sigR: Uint8Array;
  sigS: Uint8Array;
  /** The signed bytes 0x000–0x29F. */
  signedRegion: Uint8Array;
}

const RESERVED = 'SNP_RESERVED_NONZERO';

export function parseSnpReport(buf: Uint8Array): SnpReport {
  if (buf.length < SNP_REPORT_SIZE) {
    fail('PARSE_TRUNCATED', `SNP report is ${buf.length} bytes, expected ${SNP_REPORT_SIZE}`, {
      offset: buf.length,
    });
  }
  if (buf.length > SNP_REPORT_SIZE)
    fail('SNP_REPORT_SIZE', `SNP report is ${buf.length} bytes, expected ${SNP_REPORT_SIZE}`);
  const r = new ByteReader(buf, 'SNP report');
  const version = r.u32le('version');
  if (version !== 2 && version !== 3 && version !== 4 && version !== 5) {
    fail('SNP_REPORT_VERSION_UNSUPPORTED', `SNP report version ${version} is not 2, 3, 4 or 5`, { version });
  }
  const guestSvn = r.u32le('guest_svn');
  const policy = r.u64le('policy');
  const familyId = take(r, 16, 'family_id');
  const imageId = take(r, 16, 'image_id');
  const vmpl = r.u32le('vmpl');
  const signatureAlgo = r.u32le('signature_algo');
  const currentTcb = take(r, 8, 'current_tcb');
  const platformInfo = r.u64le('platform_info');
  const keyInfo = r.u32le('key_info');
  if (keyInfo >>> 5 !== 0)
    fail(RESERVED, 'KEY_INFO bits 31:5 must be zero', { field: 'key_info', offset: 0x48 });
  mbz(r, 4, 'reserved_04c', RESERVED);
  const reportData = take(r, 64, 'report_data');
  const measurement = take(r, 48, 'measurement');
  const hostData = take(r, 32, 'host_data');
  const idKeyDigest = take(r, 48, 'id_key_digest');
  const authorKeyDigest = take(r, 48, 'author_key_digest');
  const reportId = take(r, 32, 'report_id');
  const reportIdMa = take(r, 32, 'report_id_ma');
  const reportedTcb = take(r, 8, 'reported_tcb');
  let cpuidFamId = 0;
  let cpuidModId = 0;
  let cpuidStep = 0;
  if (version >= 3) {
    cpuidFamId = r.u8('cpuid_fam_id');
    cpuidModId = r.u8('cpuid_mod_id');
    cpuidStep = r.u8('cpuid_step');
  } else {
    mbz(r, 3, 'reserved_188', RESERVED);
  }
  mbz(r, 21, 'reserved_18b', RESERVED);
  const chipId = take(r, 64, 'chip_id');
  const committedTcb = take(r, 8, 'committed_tcb');
  const currentBuild = r.u8('current_build');
  const currentMinor = r.u8('current_minor');
  const currentMajor = r.u8('current_major');
  mbz(r, 1, 'reserved_1eb', RESERVED);
  const committedBuild = r.u8('committed_build');
  const committedMinor = r.u8('committed_minor');
  const committedMajor = r.u8('committed_major');
  mbz(r, 1, 'reserved_1ef', RESERVED);
  const launchTcb = take(r, 8, 'launch_tcb');
  let launchMitVector = 0n;
  let currentMitVector = 0n;
  if (version >= 5) {
    launchMitVector = r.u64le('launch_mit_vector');
    currentMitVector = r.u64le('current_mit_vector');
  } else {
    mbz(r, 16, 'reserved_1f8', RESERVED);
  }
  mbz(r, 0x98, 'reserved_208', RESERVED);
  const sigR = take(r, 72, 'signature.r');
  const sigS = take(r, 72, 'signature.s');
  mbz(r, 368, 'signature.reserved', RESERVED);
  // #56860 "Digital Signatures": r and s are 48-byte little-endian values zero-extended to 72 bytes.
  for (const [name, v] of [
    ['r', sigR],
    ['s', sigS],
  ] as const) {
    if (v.subarray(48).some((b) => b !== 0))
      fail(RESERVED, `signature ${name} bytes 48..71 must be zero`, { field: `signature.${name}` });
  }
  return {
    version,
    guestSvn,
    policy,
    familyId,
    imageId,
    vmpl,
    signatureAlgo,
    currentTcb,
    platformInfo,
    keyInfo,
    reportData,
    measurement,
    hostData,
    idKeyDigest,
    authorKeyDigest,
    reportId,
    reportIdMa,
    reportedTcb,
    cpuidFamId,
    cpuidModId,
    cpuidStep,
    chipId,
    committedTcb,
    currentBuild,
    currentMinor,
    currentMajor,
    committedBuild,
    committedMinor,
    committedMajor,
    launchTcb,
    launchMitVector,
    currentMitVector,
    sigR,
    sigS,
    signedRegion: buf.slice(0, SNP_SIGNED_SIZE),
  };
}

/** The signed bytes 0x000–0x29F of a report (what the AMD-SP signs with the VCEK / VLEK). */
export function serializeSnpSignedRegion(p: Omit<SnpReport, 'signedRegion' | 'sigR' | 'sigS'>): Uint8Array {
  const w = new ByteWriter();
  w.u32le(p.version)
    .u32le(p.guestSvn)
    .u64le(p.policy)
    .bytes(p.familyId)
    .bytes(p.imageId)
    .u32le(p.vmpl)
    .u32le(p.signatureAlgo)
    .bytes(p.currentTcb)
    .u64le(p.platformInfo)
    .u32le(p.keyInfo)
    .zeros(4)
    .bytes(p.reportData)
    .bytes(p.measurement)
    .bytes(p.hostData)
    .bytes(p.idKeyDigest)
    .bytes(p.authorKeyDigest)
    .bytes(p.reportId)
    .bytes(p.reportIdMa)
    .bytes(p.reportedTcb);
  if (p.version >= 3) w.u8(p.cpuidFamId).u8(p.cpuidModId).u8(p.cpuidStep);
  else w.zeros(3);
  w.zeros(21)
    .bytes(p.chipId)
    .bytes(p.committedTcb)
    .u8(p.currentBuild)
    .u8(p.currentMinor)
    .u8(p.currentMajor)
    .zeros(1)
    .u8(p.committedBuild)
    .u8(p.committedMinor)
    .u8(p.committedMajor)
    .zeros(1)
    .bytes(p.launchTcb);
  if (p.version >= 5) w.u64le(p.launchMitVector).u64le(p.currentMitVector);
  else w.zeros(16);
  w.zeros(0x98);
  return w.finish();
}

/** A whole 1184-byte report; `signedRegion` of the argument is ignored and recomputed from the fields. */
export function serializeSnpReport(p: Omit<SnpReport, 'signedRegion'>): Uint8Array {
  return new ByteWriter().bytes(serializeSnpSignedRegion(p)).bytes(p.sigR).bytes(p.sigS).zeros(368).finish();
}

/** r‖s big-endian (96 bytes, IEEE P1363) from the report's little-endian 72-byte fields. */
export function snpSignatureP1363(p: Pick<SnpReport, 'sigR' | 'sigS'>): Uint8Array {
  const out = new Uint8Array(96);
  out.set(p.sigR.subarray(0, 48).slice().reverse(), 0);
  out.set(p.sigS.subarray(0, 48).slice().reverse(), 48);
  return out;
}

/** The inverse: the report's 72-byte little-endian R and S from a 96-byte P1363 r‖s (for simulators). */
export function snpSignatureFromP1363(rs: Uint8Array): { sigR: Uint8Array; sigS: Uint8Array } {
  if (rs.length !== 96) fail('SNP_SIGNATURE_INVALID', 'a P-384 r‖s signature is 96 bytes');
  const sigR = new Uint8Array(72);
  const sigS = new Uint8Array(72);
  sigR.set(rs.subarray(0, 48).slice().reverse());
  sigS.set(rs.subarray(48, 96).slice().reverse());
  return { sigR, sigS };
}

/** SIGNING_KEY field of KEY_INFO (bits 4:2). */
export function snpSigningKey(p: Pick<SnpReport, 'keyInfo'>): 'vcek' | 'vlek' | 'none' | 'reserved' {
  const k = (p.keyInfo >>> 2) & 7;
  return k === 0 ? 'vcek' : k === 1 ? 'vlek' : k === 7 ? 'none' : 'reserved';
}

/** Product from CPUID_FAM_ID / CPUID_MOD_ID (v3+); undefined for v2 reports or unknown models (§4, 0x188). */
export function productFromCpuid(
  p: Pick<SnpReport, 'version' | 'cpuidFamId' | 'cpuidModId'>,
): SnpProduct | undefined {
  if (p.version < 3) return undefined;
  if (p.cpuidFamId === 0x19) {
    if (p.cpuidModId <= 0x0f) return 'milan';
    if ((p.cpuidModId >= 0x10 && p.cpuidModId <= 0x1f) || (p.cpuidModId >= 0xa0 && p.cpuidModId <= 0xaf))
      return 'genoa';
  }
  if (p.cpuidFamId === 0x1a && p.cpuidModId <= 0x11) return 'turin';
  return undefined;
}

/** GUEST_POLICY DEBUG bit (bit 19). */
export function snpPolicyDebug(p: Pick<SnpReport, 'policy'>): boolean {
  return ((p.policy >> 19n) & 1n) === 1n;
}

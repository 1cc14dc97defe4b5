import { ByteWriter, concatBytes } from '../../src/core/bytes.js';
import { fail } from '../../src/core/errors.js';
import type { SnpTcb } from './amd-pki.js';

/**
 * Byte-exact writer for the SEV-SNP ATTESTATION_REPORT, version 3 (AMD SEV-SNP Firmware ABI #56860,
 * "ATTESTATION_REPORT Structure"; offsets in tee-evidence-layouts.md §4). 1,184 bytes; the signature covers
 * 0x000–0x29F and is ECDSA P-384 / SHA-384 with R and S stored little-endian in 72-byte fields.
 */
export const SNP_REPORT_SIZE = 0x4a0;
export const SNP_SIGNED_SIZE = 0x2a0;
export const SNP_REPORT_VERSION = 3;
export const SIG_ALGO_ECDSA_P384_SHA384 = 1;

export interface SnpReportFields {
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array; // 16
  imageId: Uint8Array; // 16
  vmpl: number;
  currentTcb: SnpTcb;
  platformInfo: bigint;
  /** KEY_INFO: bits 4:2 SIGNING_KEY (0 = VCEK). */
  signerInfo: number;
  reportData: Uint8Array; // 64
  measurement: Uint8Array; // 48
  hostData: Uint8Array; // 32
  idKeyDigest: Uint8Array; // 48
  authorKeyDigest: Uint8Array; // 48
  reportId: Uint8Array; // 32
  reportIdMa: Uint8Array; // 32
  reportedTcb: SnpTcb;
  cpuid: { family: number; model: number; stepping: number };
  chipId: Uint8Array; // 64
  committedTcb: SnpTcb;
  currentVersion: { build: number; minor: number; major: number };
  committedVersion: { build: number; minor: number; major: number };
  launchTcb: SnpTcb;
}

/** TCB_VERSION for Milan / Genoa: byte 0 BOOT_LOADER, 1 TEE, 2–5 reserved, 6 SNP, 7 MICROCODE (§4.1). */
export function encodeTcbVersion(t: SnpTcb): Uint8Array {
  return Uint8Array.of(t.bootloader, t.tee, 0, 0, 0, 0, t.snp, t.microcode);
}

function fixed(w: ByteWriter, b: Uint8Array, n: number, field: string): ByteWriter {
  if (b.length !== n) fail('TEE_SIM_FIELD_SIZE', `${field} must be ${n} bytes, got ${b.length}`);
  return w.bytes(b);
}

/** The signed part of the report, bytes 0x000–0x29F. */
export function writeSnpReportBody(f: SnpReportFields): Uint8Array {
  const w = new ByteWriter().u32le(SNP_REPORT_VERSION).u32le(f.guestSvn).u64le(f.policy);
  fixed(w, f.familyId, 16, 'FAMILY_ID');
  fixed(w, f.imageId, 16, 'IMAGE_ID');
  w.u32le(f.vmpl).u32le(SIG_ALGO_ECDSA_P384_SHA384).bytes(encodeTcbVersion(f.currentTcb)).u64le(f.platformInfo);
  w.u32le(f.signerInfo).zeros(4);
  fixed(w, f.reportData, 64, 'REPORT_DATA');
  fixed(w, f.measurement, 48, 'MEASUREMENT');
  fixed(w, f.hostData, 32, 'HOST_DATA');
  fixed(w, f.idKeyDigest, 48, 'ID_KEY_DIGEST');
  fixed(w, f.authorKeyDigest, 48, 'AUTHOR_KEY_DIGEST');
  fixed(w, f.reportId, 32, 'REPORT_ID');
  fixed(w, f.reportIdMa, 32, 'REPORT_ID_MA');
  w.bytes(encodeTcbVersion(f.reportedTcb));
  w.u8(f.cpuid.family).u8(f.cpuid.model).u8(f.cpuid.stepping).zeros(21);
  fixed(w, f.chipId, 64, 'CHIP_ID');
  w.bytes(encodeTcbVersion(f.committedTcb));
  w.u8(f.currentVersion.build).u8(f.currentVersion.minor).u8(f.currentVersion.major).zeros(1);
  w.u8(f.committedVersion.build).u8(f.committedVersion.minor).u8(f.committedVersion.major).zeros(1);
  w.bytes(encodeTcbVersion(f.launchTcb));
  w.zeros(SNP_SIGNED_SIZE - 0x1f8); // 0x1F8..0x29F reserved in v3 (v5 puts the mitigation vectors here)
  const body = w.finish();
  if (body.length !== SNP_SIGNED_SIZE) fail('INTERNAL_ERROR', `SNP report body is ${body.length} bytes`);
  return body;
}

/** A big-endian scalar of 48 bytes as the report's 72-byte little-endian field (§4, "Signature check"). */
function leScalar72(be: Uint8Array): Uint8Array {
  const out = new Uint8Array(72);
  for (let i = 0; i < be.length; i++) out[i] = be[be.length - 1 - i] as number;
  return out;
}

/** Appends the 512-byte signature field built from a P1363 r‖s (96 bytes) signature. */
export function attachSignature(body: Uint8Array, rs: Uint8Array): Uint8Array {
  if (body.length !== SNP_SIGNED_SIZE || rs.length !== 96) fail('TEE_SIM_FIELD_SIZE', 'SNP report body or signature has the wrong size');
  const sig = concatBytes(leScalar72(rs.subarray(0, 48)), leScalar72(rs.subarray(48)), new Uint8Array(512 - 144));
  return concatBytes(body, sig);
}

import { randomBytes } from 'node:crypto';
import { fail } from '../../src/core/errors.js';
import { sha384 } from '../../src/crypto/hash.js';
import { REPORT_DATA_LEN, type SnpEvidence, type TeeQuoteProvider } from '../../src/device/tee.js';
import {
  encodeTcb,
  serializeSnpReport,
  serializeSnpSignedRegion,
  snpSignatureFromP1363,
  type SnpReport,
  type SnpTcb,
} from '../../attestation/sev-snp/index.js';
import { issueVcek, sharedAmdRoots, type AmdRoots, type VcekIssued } from './amd-pki.js';
import { der, pem, signRaw } from './pki.js';

/**
 * A simulated AMD Secure Processor answering MSG_REPORT_REQ: it signs version 3 ATTESTATION_REPORTs
 * (SEV-SNP Firmware ABI #56860; tee-evidence-layouts.md §4) with a VCEK whose certificate chains
 * VCEK → ASK → ARK of a TEST-ONLY hierarchy made at run time, so AMD's real ARKs reject every report.
 * The guest's launch measurement, policy and host data are fixed at "launch" (create). Bytes are written
 * by the attestation/sev-snp serializer (ADR 0001: each wire format is written once).
 */
export interface SimSnpOptions {
  now?: Date;
  /** Milan by default; the VCEK productName is `${product}-B0`. */
  product?: 'Milan' | 'Genoa';
  tcb?: Partial<SnpTcb>;
  /** GUEST_POLICY.DEBUG (bit 19), for appraisal-policy tests. */
  debug?: boolean;
  /** Launch digest (48 bytes). */
  measurement?: Uint8Array;
  /** HOST_DATA (32 bytes). */
  hostData?: Uint8Array;
  /** Use this ARK/ASK instead of the per-process shared pair (see sharedAmdRoots). */
  roots?: AmdRoots;
}

export const DEFAULT_SNP_TCB: SnpTcb = { bootloader: 4, tee: 0, snp: 24, microcode: 219 };
/** CPUID family / model / stepping: Milan B0 (0x19/0x01), Genoa (0x19/0x11) — what productFromCpuid reads. */
const CPUID = { Milan: { fam: 0x19, mod: 0x01, step: 0x01 }, Genoa: { fam: 0x19, mod: 0x11, step: 0x01 } };
/** GUEST_POLICY: bit 17 is reserved and must be 1; bit 16 SMT allowed (§4). */
const POLICY_BASE = (1n << 17n) | (1n << 16n);
/** SEV-SNP firmware 1.55.21, as the simulated AMD-SP reports it. */
const FW = { build: 21, minor: 55, major: 1 };

type LaunchState = Omit<SnpReport, 'signedRegion' | 'sigR' | 'sigS' | 'reportData'>;

function sized(b: Uint8Array, n: number, what: string): Uint8Array {
  if (b.length !== n) fail('TEE_SIM_FIELD_SIZE', `${what} must be ${n} bytes, got ${b.length}`);
  return b.slice();
}

export class SimulatedAmdSp implements TeeQuoteProvider {
  readonly kind = 'sev-snp' as const;
  readonly simulated = true;
  readonly description = 'simulated AMD-SP (SEV-SNP, TEST-ONLY VCEK → ASK → ARK)';

  private constructor(
    readonly roots: AmdRoots,
    readonly vcek: VcekIssued,
    private readonly launch: LaunchState,
  ) {}

  static async create(opts: SimSnpOptions = {}): Promise<SimulatedAmdSp> {
    const now = opts.now ?? new Date();
    const product = opts.product ?? 'Milan';
    const roots = opts.roots ?? (await sharedAmdRoots(product));
    const tcb: SnpTcb = { ...DEFAULT_SNP_TCB, ...opts.tcb };
    const tcbBytes = encodeTcb(tcb, product === 'Milan' ? 'milan' : 'genoa');
    const chipId = new Uint8Array(randomBytes(64));
    const vcek = await issueVcek(roots, `${product}-B0`, tcb, chipId, now);
    const cpuid = CPUID[product];
    const launch: LaunchState = {
      version: 3,
      guestSvn: 0,
      policy: POLICY_BASE | (opts.debug === true ? 1n << 19n : 0n),
      familyId: new Uint8Array(16),
      imageId: new Uint8Array(16),
      vmpl: 0,
      signatureAlgo: 1, // ECDSA P-384 with SHA-384
      currentTcb: tcbBytes,
      platformInfo: 1n, // SMT_EN
      keyInfo: 0, // SIGNING_KEY = VCEK, chip key not masked
      measurement: sized(opts.measurement ?? sha384('aegis-sim-snp:launch-measurement'), 48, 'MEASUREMENT'),
      hostData: sized(opts.hostData ?? new Uint8Array(32), 32, 'HOST_DATA'),
      idKeyDigest: new Uint8Array(48),
      authorKeyDigest: new Uint8Array(48),
      reportId: new Uint8Array(randomBytes(32)),
      reportIdMa: new Uint8Array(32).fill(0xff), // no migration agent
      reportedTcb: tcbBytes,
      cpuidFamId: cpuid.fam,
      cpuidModId: cpuid.mod,
      cpuidStep: cpuid.step,
      chipId,
      committedTcb: tcbBytes,
      currentBuild: FW.build,
      currentMinor: FW.minor,
      currentMajor: FW.major,
      committedBuild: FW.build,
      committedMinor: FW.minor,
      committedMajor: FW.major,
      launchTcb: tcbBytes,
      launchMitVector: 0n,
      currentMitVector: 0n,
    };
    return new SimulatedAmdSp(roots, vcek, launch);
  }

  /** The simulator's anchors: its TEST-ONLY ARK and ASK (DER and PEM). */
  get trustAnchors(): { ark: { der: Uint8Array; pem: string }; ask: { der: Uint8Array; pem: string } } {
    return {
      ark: { der: der(this.roots.ark.cert), pem: pem(this.roots.ark.cert) },
      ask: { der: der(this.roots.ask.cert), pem: pem(this.roots.ask.cert) },
    };
  }

  /** MSG_REPORT_REQ at VMPL 0: the signed 1,184-byte report. */
  async report(reportData: Uint8Array): Promise<Uint8Array> {
    if (reportData.length !== REPORT_DATA_LEN) {
      fail('TEE_REPORT_DATA_INVALID', `report data must be ${REPORT_DATA_LEN} bytes, got ${reportData.length}`);
    }
    const fields = { ...this.launch, reportData: reportData.slice() };
    const signed = serializeSnpSignedRegion(fields);
    const rs = await signRaw(this.vcek.keys.privateKey, 'SHA-384', signed);
    return serializeSnpReport({ ...fields, ...snpSignatureFromP1363(rs) });
  }

  async getEvidence(reportData: Uint8Array): Promise<SnpEvidence> {
    const report = await this.report(reportData);
    return {
      tee: 'sev-snp',
      simulated: true,
      source: 'simulator',
      reportData: reportData.slice(),
      report,
      vekChain: { vek: der(this.vcek.cert), signer: 'vcek', ask: der(this.roots.ask.cert), ark: der(this.roots.ark.cert) },
    };
  }
}

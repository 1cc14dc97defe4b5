import { randomBytes } from 'node:crypto';
import { fail } from '../../src/core/errors.js';
import { sha384 } from '../../src/crypto/hash.js';
import { REPORT_DATA_LEN, type SnpEvidence, type TeeQuoteProvider } from '../../src/device/tee.js';
import { issueVcek, sharedAmdRoots, type AmdRoots, type SnpTcb, type VcekIssued } from './amd-pki.js';
import { der, pem, signRaw } from './pki.js';
import { SNP_SIGNED_SIZE, attachSignature, writeSnpReportBody, type SnpReportFields } from './snp-report.js';

/**
 * A simulated AMD Secure Processor answering MSG_REPORT_REQ: it signs v3 ATTESTATION_REPORTs with a VCEK
 * whose certificate chains VCEK → ASK → ARK of a TEST-ONLY hierarchy made at run time, so AMD's real ARKs
 * reject every report. The guest's launch measurement, policy and host data are fixed at "launch" (create).
 */
export interface SimSnpOptions {
  now?: Date;
  /** Milan by default; the VCEK productName is `${product}-B0`. */
  product?: 'Milan' | 'Genoa';
  tcb?: Partial<SnpTcb>;
  /** GUEST_POLICY.DEBUG (bit 19), for appraisal-policy tests. */
  debug?: boolean;
  measurement?: Uint8Array;
  hostData?: Uint8Array;
  /** Use fresh ARK/ASK instead of the per-process shared pair (slow: two RSA-4096 keys). */
  freshRoots?: AmdRoots;
}

export const DEFAULT_SNP_TCB: SnpTcb = { bootloader: 4, tee: 0, snp: 24, microcode: 219 };
/** CPUID family/model/stepping of a Milan B0 part (0x19 / 0x01 / 0x01). */
const CPUID = { Milan: { family: 0x19, model: 0x01, stepping: 0x01 }, Genoa: { family: 0x19, model: 0x11, stepping: 0x01 } };
/** GUEST_POLICY: bit 17 is reserved and must be 1; bit 16 SMT allowed (§4). */
const POLICY_BASE = (1n << 17n) | (1n << 16n);

export class SimulatedAmdSp implements TeeQuoteProvider {
  readonly kind = 'sev-snp' as const;
  readonly simulated = true;
  readonly description = 'simulated AMD-SP (SEV-SNP, TEST-ONLY VCEK → ASK → ARK)';

  private constructor(
    readonly roots: AmdRoots,
    readonly vcek: VcekIssued,
    private readonly launch: Omit<SnpReportFields, 'reportData' | 'reportId'>,
    private readonly reportId: Uint8Array,
  ) {}

  static async create(opts: SimSnpOptions = {}): Promise<SimulatedAmdSp> {
    const now = opts.now ?? new Date();
    const product = opts.product ?? 'Milan';
    const roots = opts.freshRoots ?? (await sharedAmdRoots(product));
    const tcb: SnpTcb = { ...DEFAULT_SNP_TCB, ...opts.tcb };
    const chipId = new Uint8Array(randomBytes(64));
    const vcek = await issueVcek(roots, `${product}-B0`, tcb, chipId, now);
    const version = { build: 21, minor: 55, major: 1 };
    const launch: Omit<SnpReportFields, 'reportData' | 'reportId'> = {
      guestSvn: 0,
      policy: POLICY_BASE | (opts.debug === true ? 1n << 19n : 0n),
      familyId: new Uint8Array(16),
      imageId: new Uint8Array(16),
      vmpl: 0,
      currentTcb: tcb,
      platformInfo: 1n, // SMT_EN
      signerInfo: 0, // SIGNING_KEY = VCEK, chip key not masked
      measurement: opts.measurement ?? sha384('aegis-sim-snp:launch-measurement'),
      hostData: opts.hostData ?? new Uint8Array(32),
      idKeyDigest: new Uint8Array(48),
      authorKeyDigest: new Uint8Array(48),
      reportIdMa: new Uint8Array(32).fill(0xff),
      reportedTcb: tcb,
      cpuid: CPUID[product],
      chipId,
      committedTcb: tcb,
      currentVersion: version,
      committedVersion: version,
      launchTcb: tcb,
    };
    return new SimulatedAmdSp(roots, vcek, launch, new Uint8Array(randomBytes(32)));
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
    const body = writeSnpReportBody({ ...this.launch, reportData: reportData.slice(), reportId: this.reportId });
    if (body.length !== SNP_SIGNED_SIZE) fail('INTERNAL_ERROR', 'SNP report body size');
    return attachSignature(body, await signRaw(this.vcek.keys.privateKey, 'SHA-384', body));
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

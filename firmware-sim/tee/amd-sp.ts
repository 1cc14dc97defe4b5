import { randomBytes } from 'node:crypto';
import { fail } from '#core/errors.js';
import { fromHex, toHex } from '#core/encoding.js';
import { sha384 } from '#crypto/hash.js';
import { REPORT_DATA_LEN, type SnpEvidence, type TeeQuoteProvider } from '#device/tee.js';
import {
  decodeTcb,
  encodeTcb,
  snpPolicyDebug,
  serializeSnpReport,
  serializeSnpSignedRegion,
  snpSignatureFromP1363,
  type SnpReport,
  type SnpTcb,
} from '#attestation/sev-snp/index.js';
import {
  issueVcek,
  issueVlek,
  sharedAmdRoots,
  sharedAsvk,
  type AmdRoots,
  type VcekIssued,
} from './amd-pki.js';
import { der, exportKeyCert, pem, signRaw, type x509 } from './pki.js';
import { P384, RSA_PSS_4096, SIM_STATE_FORMAT, importKeyCert, type SnpSimState } from './sim-state.js';

/**
 * A simulated AMD Secure Processor answering MSG_REPORT_REQ: it signs version 3 ATTESTATION_REPORTs
 * (SEV-SNP Firmware ABI #56860; tee-evidence-layouts.md §4) with a VCEK whose certificate chains
 * VCEK → ASK → ARK — or, with `signer: 'vlek'`, a VLEK chaining VLEK → ASVK → ARK (CHIP_ID zero, KEY_INFO
 * SIGNING_KEY = 1) — of a TEST-ONLY hierarchy made at run time, so AMD's real ARKs reject every report.
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
  /** Resume a simulated platform saved with exportState() (product, TCB, chip and launch state included). */
  state?: SnpSimState;
  /** Which key signs reports: the chip's VCEK (default) or a cloud provider's VLEK. */
  signer?: 'vcek' | 'vlek';
  /** VLEK cspId extension (default a TEST-ONLY name). */
  cspId?: string;
}

const TEST_CSP_ID = 'CN=aegis-test-only.invalid';

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

  private constructor(
    readonly roots: AmdRoots,
    /** The VEK: the VCEK, or the VLEK when `signer` is 'vlek'. */
    readonly vcek: VcekIssued,
    private readonly launch: LaunchState,
    readonly signer: 'vcek' | 'vlek' = 'vcek',
  ) {}

  get description(): string {
    return this.signer === 'vlek'
      ? 'simulated AMD-SP (SEV-SNP, TEST-ONLY VLEK → ASVK → ARK)'
      : 'simulated AMD-SP (SEV-SNP, TEST-ONLY VCEK → ASK → ARK)';
  }

  static async create(opts: SimSnpOptions = {}): Promise<SimulatedAmdSp> {
    if (opts.state !== undefined) return SimulatedAmdSp.resume(opts.state);
    const now = opts.now ?? new Date();
    const product = opts.product ?? 'Milan';
    const signer = opts.signer ?? 'vcek';
    let roots = opts.roots ?? (await sharedAmdRoots(product));
    const tcb: SnpTcb = { ...DEFAULT_SNP_TCB, ...opts.tcb };
    // VLEK-signed reports carry a zero CHIP_ID (the VLEK is not tied to one chip, §4).
    const chipId = signer === 'vcek' ? new Uint8Array(randomBytes(64)) : new Uint8Array(64);
    let vek: VcekIssued;
    if (signer === 'vlek') {
      const asvk = await sharedAsvk(roots);
      roots = { ...roots, asvk };
      vek = await issueVlek(roots, asvk, tcb, opts.cspId ?? TEST_CSP_ID, now);
    } else {
      vek = await issueVcek(roots, `${product}-B0`, tcb, chipId, now);
    }
    const launch = SimulatedAmdSp.launchState(product, tcb, chipId, {
      signer,
      debug: opts.debug === true,
      measurement: sized(opts.measurement ?? sha384('aegis-sim-snp:launch-measurement'), 48, 'MEASUREMENT'),
      hostData: sized(opts.hostData ?? new Uint8Array(32), 32, 'HOST_DATA'),
      reportId: new Uint8Array(randomBytes(32)),
    });
    return new SimulatedAmdSp(roots, vek, launch, signer);
  }

  private static async resume(st: SnpSimState): Promise<SimulatedAmdSp> {
    const signer = st.signer ?? 'vcek';
    if (signer === 'vlek' && st.asvk === undefined)
      fail('TEE_SIM_STATE_INVALID', 'simulator state: a VLEK signer needs asvk');
    const [ark, ask, vcek, asvk] = await Promise.all([
      importKeyCert(st.ark, RSA_PSS_4096, 'ARK'),
      importKeyCert(st.ask, RSA_PSS_4096, 'ASK'),
      importKeyCert(st.vcek, P384, signer === 'vlek' ? 'VLEK' : 'VCEK'),
      st.asvk === undefined ? undefined : importKeyCert(st.asvk, RSA_PSS_4096, 'ASVK'),
    ]);
    const hex = (h: string, n: number, what: string): Uint8Array => {
      const b = fromHex(h, what);
      if (b.length !== n) fail('TEE_SIM_STATE_INVALID', `simulator state: ${what} must be ${n} bytes`);
      return b;
    };
    const launch = SimulatedAmdSp.launchState(st.product, st.tcb, hex(st.chip_id_hex, 64, 'chip_id'), {
      signer,
      debug: st.debug === true,
      measurement: hex(st.measurement_hex, 48, 'measurement'),
      hostData: hex(st.host_data_hex, 32, 'host_data'),
      reportId: hex(st.report_id_hex, 32, 'report_id'),
    });
    return new SimulatedAmdSp(
      { product: st.product, ark, ask, ...(asvk === undefined ? {} : { asvk }) },
      vcek,
      launch,
      signer,
    );
  }

  private static launchState(
    product: 'Milan' | 'Genoa',
    tcb: SnpTcb,
    chipId: Uint8Array,
    g: {
      signer: 'vcek' | 'vlek';
      debug: boolean;
      measurement: Uint8Array;
      hostData: Uint8Array;
      reportId: Uint8Array;
    },
  ): LaunchState {
    const tcbBytes = encodeTcb(tcb, product === 'Milan' ? 'milan' : 'genoa');
    const cpuid = CPUID[product];
    return {
      version: 3,
      guestSvn: 0,
      policy: POLICY_BASE | (g.debug ? 1n << 19n : 0n),
      familyId: new Uint8Array(16),
      imageId: new Uint8Array(16),
      vmpl: 0,
      signatureAlgo: 1, // ECDSA P-384 with SHA-384
      currentTcb: tcbBytes,
      platformInfo: 1n, // SMT_EN
      keyInfo: g.signer === 'vlek' ? 1 << 2 : 0, // bits 4:2 SIGNING_KEY: 0 VCEK, 1 VLEK; chip key not masked
      measurement: g.measurement,
      hostData: g.hostData,
      idKeyDigest: new Uint8Array(48),
      authorKeyDigest: new Uint8Array(48),
      reportId: g.reportId,
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
  }

  /** Everything needed to resume this simulated platform in another process (TEST-ONLY CA keys). */
  async exportState(): Promise<SnpSimState> {
    const asvk = this.roots.asvk;
    const [ark, ask, vcek, asvkState] = await Promise.all([
      exportKeyCert(this.roots.ark),
      exportKeyCert(this.roots.ask),
      exportKeyCert(this.vcek),
      asvk === undefined ? undefined : exportKeyCert(asvk),
    ]);
    const l = this.launch;
    return {
      format: SIM_STATE_FORMAT,
      kind: 'sev-snp',
      test_only: true,
      product: this.roots.product === 'Genoa' ? 'Genoa' : 'Milan',
      tcb: decodeTcb(l.reportedTcb, this.roots.product === 'Genoa' ? 'genoa' : 'milan'),
      ark,
      ask,
      vcek,
      chip_id_hex: toHex(l.chipId),
      report_id_hex: toHex(l.reportId),
      measurement_hex: toHex(l.measurement),
      host_data_hex: toHex(l.hostData),
      debug: snpPolicyDebug(l),
      signer: this.signer,
      ...(asvkState === undefined ? {} : { asvk: asvkState }),
    };
  }

  /** The simulator's anchors: its TEST-ONLY ARK and ASK (DER and PEM). */
  get trustAnchors(): {
    ark: { der: Uint8Array; pem: string };
    ask: { der: Uint8Array; pem: string };
    asvk?: { der: Uint8Array; pem: string };
  } {
    const one = (c: { cert: x509.X509Certificate }): { der: Uint8Array; pem: string } => ({
      der: der(c.cert),
      pem: pem(c.cert),
    });
    const asvk = this.roots.asvk;
    return {
      ark: one(this.roots.ark),
      ask: one(this.roots.ask),
      ...(asvk === undefined ? {} : { asvk: one(asvk) }),
    };
  }

  /** PEM of the certificates a verifier needs as anchors for this simulator: ARK and the VEK's issuer (ASK or ASVK). */
  get trustAnchorsPem(): string {
    const issuer = this.signer === 'vlek' && this.roots.asvk !== undefined ? this.roots.asvk : this.roots.ask;
    return pem(this.roots.ark.cert) + pem(issuer.cert);
  }

  /** MSG_REPORT_REQ at VMPL 0: the signed 1,184-byte report. */
  async report(reportData: Uint8Array): Promise<Uint8Array> {
    if (reportData.length !== REPORT_DATA_LEN) {
      fail(
        'TEE_REPORT_DATA_INVALID',
        `report data must be ${REPORT_DATA_LEN} bytes, got ${reportData.length}`,
      );
    }
    const fields = { ...this.launch, reportData: reportData.slice() };
    const signed = serializeSnpSignedRegion(fields);
    const rs = await signRaw(this.vcek.key, 'SHA-384', signed);
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
      vekChain: {
        vek: der(this.vcek.cert),
        signer: this.signer,
        ask: der(
          (this.signer === 'vlek' && this.roots.asvk !== undefined ? this.roots.asvk : this.roots.ask).cert,
        ),
        ark: der(this.roots.ark.cert),
      },
    };
  }
}

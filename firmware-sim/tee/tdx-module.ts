import { randomBytes } from 'node:crypto';
import { concatBytes, utf8 } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { fromBase64, fromHex, toBase64, toHex } from '#core/encoding.js';
import { sha256, sha384 } from '#crypto/hash.js';
import {
  REPORT_DATA_LEN,
  type QuoteCollateralV3,
  type TdxEvidence,
  type TeeQuoteProvider,
} from '#device/tee.js';
import {
  ATT_KEY_TYPE_ECDSA_P256,
  CERT_TYPE_PCK_CHAIN,
  TEE_TYPE_TDX,
  serializeDcapQuote,
  serializeQeReport,
  serializeQuoteSignedRegion,
  type DcapQuote,
  type QeCertificationData,
  type QuoteHeader,
  type SgxReportBody,
  type TdReportBody,
} from '#attestation/dcap/index.js';
import {
  createIntelSimIdentities,
  intelSimPki,
  type IntelSimIdentities,
  type IntelSimPki,
} from './intel-pki.js';
import {
  exportKeyCert,
  exportPkcs8,
  generateKeyPair,
  importSigningKey,
  P256,
  pem,
  rawPublicXY,
  signRaw,
  type CryptoKey,
} from './pki.js';
import { SIM_STATE_FORMAT, importKeyCert, p256PublicXY, type TdxSimState } from './sim-state.js';
import { DEFAULT_SIM_TDX_TCB, buildTdxCollateral, type SimTdxTcb } from './tdx-collateral.js';

/**
 * A simulated TDX module and TD quoting enclave. The "module" keeps the TD's measurements (MRTD, RTMR0–3 …)
 * and produces the TD report body; the "QE" holds a P-256 attestation key, certifies it with a QE report
 * signed by the PCK key (REPORTDATA = SHA-256(attestation key ‖ QE auth data) ‖ 0³², §3.3 item 3), and signs
 * header ‖ body. The PKI is a TEST-ONLY CA made at start-up, so Intel's real root rejects every quote.
 * Bytes are written by the attestation/dcap serializer (ADR 0001: each wire format is written once), as a
 * TD Quote v4 (Intel TDX DCAP Quoting Library API, Appendix A; tee-evidence-layouts.md §1–§3.2).
 */
export interface SimTdxOptions {
  /** Instant the certificates and collateral are issued around (default: now). */
  now?: Date;
  tcb?: Partial<SimTdxTcb>;
  /** Set TDATTRIBUTES.DEBUG (bit 0), for appraisal-policy tests. */
  debug?: boolean;
  /** List the PCK leaf as revoked in the PCK CRL, for negative tests. */
  revokePck?: boolean;
  /** Resume a simulated platform saved with exportState() (its TCB replaces `tcb`). */
  state?: TdxSimState;
  /**
   * 4 (default): TD Quote v4 with a TD report 1.0 body (584 B). 5: TD Quote v5 with body descriptor type 3,
   * a TD report 1.5 body (648 B: + TEE_TCB_SVN2, MRSERVICETD), as TDX 1.5 modules emit (§2.2, §2.4).
   */
  quoteVersion?: 4 | 5;
}

const label = (s: string): Uint8Array => sha384(`aegis-sim-tdx:${s}`);
/** Intel's QE vendor ID: the simulated QE claims to be Intel's QE; trust comes only from the PCK chain. */
const INTEL_QE_VENDOR_ID = Uint8Array.from(Buffer.from('939a7233f79c4ca9940a0db3957f0607', 'hex'));
const QE_AUTH_DATA = Uint8Array.from({ length: 32 }, (_, i) => i);
const PCK_SERIAL = '0a';

function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

export class SimulatedTdx implements TeeQuoteProvider {
  readonly kind = 'tdx' as const;
  readonly simulated = true;
  readonly description = 'simulated TDX module + TD quoting enclave (TEST-ONLY CA)';

  private readonly rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  private readonly userData: Uint8Array;

  private constructor(
    readonly pki: IntelSimPki,
    readonly collateral: QuoteCollateralV3,
    readonly tcb: SimTdxTcb,
    private readonly attestationKey: CryptoKey,
    private readonly attestationKeyXY: Uint8Array,
    private readonly qe: QeCertificationData,
    private readonly debug: boolean,
    userData: Uint8Array,
    private readonly quoteVersion: 4 | 5,
  ) {
    this.rtmr = [label('rtmr0'), label('rtmr1'), new Uint8Array(48), new Uint8Array(48)];
    this.userData = userData;
  }

  static async create(opts: SimTdxOptions = {}): Promise<SimulatedTdx> {
    const now = opts.now ?? new Date();
    const st = opts.state;
    const tcb: SimTdxTcb = st?.tcb ?? {
      ...DEFAULT_SIM_TDX_TCB,
      qeMrSigner: toHex(sha256('aegis-sim-tdx:qe-signer')),
      ...opts.tcb,
    };
    let ids: IntelSimIdentities;
    let ak: CryptoKey;
    let akXY: Uint8Array;
    // user_data: the first 16 bytes identify the QE / platform (§1); the rest is zero.
    let userData = concatBytes(randomBytes(16), new Uint8Array(4));
    if (st !== undefined) {
      const [root, platformCa, pck, tcbSigning] = await Promise.all([
        importKeyCert(st.root, P256, 'root'),
        importKeyCert(st.platform_ca, P256, 'platform CA'),
        importKeyCert(st.pck, P256, 'PCK'),
        importKeyCert(st.tcb_signing, P256, 'TCB signing'),
      ]);
      ids = { root, platformCa, pck, tcbSigning };
      const akPkcs8 = fromBase64(st.attestation_key_pkcs8_b64, 'attestation key');
      ak = await importSigningKey(akPkcs8, P256);
      akXY = p256PublicXY(akPkcs8);
      userData = fromHex(st.user_data_hex, 'user_data');
      if (userData.length !== 20)
        fail('TEE_SIM_STATE_INVALID', 'simulator state: user_data must be 20 bytes');
    } else {
      const ppid = sha256('aegis-sim:ppid').slice(0, 16);
      const pckTcb = { compSvn: tcb.sgxComp, pceSvn: tcb.pceSvn, pceId: tcb.pceId, fmspc: tcb.fmspc, ppid };
      const [generated, keys] = await Promise.all([
        createIntelSimIdentities({ now, tcb: pckTcb, pckSerial: PCK_SERIAL }),
        generateKeyPair(P256),
      ]);
      ids = generated;
      ak = keys.privateKey;
      akXY = await rawPublicXY(keys.publicKey);
    }
    const pki = await intelSimPki(ids, now, opts.revokePck === true ? [PCK_SERIAL] : []);
    const qeReport: SgxReportBody = {
      cpuSvn: Uint8Array.from(tcb.sgxComp),
      miscSelect: 0,
      isvExtProdId: new Uint8Array(16),
      attributes: concatBytes(Uint8Array.of(0x11), new Uint8Array(15)),
      mrEnclave: sha256('aegis-sim-tdx:td-qe'),
      mrSigner: Uint8Array.from(Buffer.from(tcb.qeMrSigner, 'hex')),
      configId: new Uint8Array(64),
      isvProdId: tcb.qeIsvProdId,
      isvSvn: tcb.qeIsvSvn,
      configSvn: 0,
      isvFamilyId: new Uint8Array(16),
      reportData: concatBytes(sha256(akXY, QE_AUTH_DATA), new Uint8Array(32)),
    };
    const qe: QeCertificationData = {
      qeReport,
      qeReportSignature: new Uint8Array(64),
      qeAuthData: QE_AUTH_DATA,
      certDataType: CERT_TYPE_PCK_CHAIN,
      // PEM chain leaf → root, NUL-terminated as Intel's QE writes it (§3.1).
      certData: concatBytes(utf8.encode(pki.pckChainPem), Uint8Array.of(0)),
    };
    qe.qeReportSignature = await signRaw(pki.pck.key, 'SHA-256', serializeQeReport(qe));
    const collateral = await buildTdxCollateral(pki, tcb, now);
    return new SimulatedTdx(
      pki,
      collateral,
      tcb,
      ak,
      akXY,
      qe,
      opts.debug === true,
      userData,
      opts.quoteVersion ?? 4,
    );
  }

  /** The simulator's trust anchor: its TEST-ONLY root CA (DER and PEM). */
  get trustAnchor(): { der: Uint8Array; pem: string } {
    return { der: this.pki.rootDer, pem: pem(this.pki.root.cert) };
  }

  /** Everything needed to resume this simulated platform in another process (TEST-ONLY CA keys). */
  async exportState(): Promise<TdxSimState> {
    const [root, platformCa, pck, tcbSigning, ak] = await Promise.all([
      exportKeyCert(this.pki.root),
      exportKeyCert(this.pki.platformCa),
      exportKeyCert(this.pki.pck),
      exportKeyCert(this.pki.tcbSigning),
      exportPkcs8(this.attestationKey),
    ]);
    return {
      format: SIM_STATE_FORMAT,
      kind: 'tdx',
      test_only: true,
      tcb: this.tcb,
      root,
      platform_ca: platformCa,
      pck,
      tcb_signing: tcbSigning,
      attestation_key_pkcs8_b64: toBase64(ak),
      user_data_hex: toHex(this.userData),
    };
  }

  /** RTMR[i] := SHA-384(RTMR[i] ‖ digest) (TDG.MR.RTMR.EXTEND semantics; digest is 48 bytes). */
  extendRtmr(index: number, digest: Uint8Array): void {
    if (!Number.isInteger(index) || index < 0 || index > 3 || digest.length !== 48) {
      fail('TEE_SIM_FIELD_SIZE', 'RTMR extend takes an index 0..3 and a 48-byte digest');
    }
    this.rtmr[index as 0 | 1 | 2 | 3] = sha384(this.rtmr[index as 0 | 1 | 2 | 3], digest);
  }

  reportBody(reportData: Uint8Array): TdReportBody {
    // TDATTRIBUTES: SEPT_VE_DISABLE (bit 28) as production TDs set it; DEBUG (bit 0) only when asked.
    const tdAttributes = (1n << 28n) | (this.debug ? 1n : 0n);
    return {
      tdReportVersion: this.quoteVersion === 5 ? '1.5' : '1.0',
      teeTcbSvn: Uint8Array.from(this.tcb.teeTcbSvn),
      mrSeam: label('tdx-module'),
      mrSignerSeam: new Uint8Array(48),
      seamAttributes: new Uint8Array(8),
      tdAttributes: u64le(tdAttributes),
      xfam: u64le(0x642e7n),
      mrTd: label('mrtd'),
      mrConfigId: new Uint8Array(48),
      mrOwner: new Uint8Array(48),
      mrOwnerConfig: new Uint8Array(48),
      rtmr: [...this.rtmr] as [Uint8Array, Uint8Array, Uint8Array, Uint8Array],
      reportData: reportData.slice(),
      // TD 1.5: TEE_TCB_SVN2 equal to TEE_TCB_SVN (the module was not updated under the running TD, so no
      // TDRelaunchAdvised), and no service TD bound.
      ...(this.quoteVersion === 5
        ? { teeTcbSvn2: Uint8Array.from(this.tcb.teeTcbSvn), mrServiceTd: new Uint8Array(48) }
        : {}),
    };
  }

  async quote(reportData: Uint8Array): Promise<Uint8Array> {
    if (reportData.length !== REPORT_DATA_LEN) {
      fail(
        'TEE_REPORT_DATA_INVALID',
        `report data must be ${REPORT_DATA_LEN} bytes, got ${reportData.length}`,
      );
    }
    const header: QuoteHeader = {
      version: this.quoteVersion,
      attKeyType: ATT_KEY_TYPE_ECDSA_P256,
      teeType: TEE_TYPE_TDX,
      qeSvn: 0, // reserved in v4/v5: 0 in every real TDX quote examined (§1)
      pceSvn: 0,
      qeVendorId: INTEL_QE_VENDOR_ID,
      userData: this.userData,
    };
    const unsigned: Omit<DcapQuote, 'signedRegion'> = {
      header,
      bodyType: this.quoteVersion === 5 ? 3 : undefined, // v5 body descriptor: 3 = TD report 1.5 (§2.2)
      body: { kind: 'td', report: this.reportBody(reportData) },
      signature: new Uint8Array(64),
      attestationKey: this.attestationKeyXY,
      qe: this.qe,
      trailing: new Uint8Array(0),
    };
    const signature = await signRaw(this.attestationKey, 'SHA-256', serializeQuoteSignedRegion(unsigned));
    return serializeDcapQuote({ ...unsigned, signature });
  }

  async getEvidence(reportData: Uint8Array): Promise<TdxEvidence> {
    const quote = await this.quote(reportData);
    return {
      tee: 'tdx',
      simulated: true,
      source: 'simulator',
      reportData: reportData.slice(),
      quote,
      collateral: { ...this.collateral },
    };
  }
}

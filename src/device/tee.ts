/**
 * TEE quote provider: the one interface behind which real TEE drivers (drivers/tee) and the simulated
 * TDX module / AMD-SP (firmware-sim/tee) sit (DESIGN.md, "Layers and folders" and "Evidence" flow).
 * The composition root picks one (AEGIS_DEVICE=auto|real|sim) and the evidence bundle records which.
 */

/** TEE families we acquire evidence from. */
export type TeeKind = 'tdx' | 'sev-snp';

/** Where the evidence came from, so reports can say "real" or "simulated" and through which interface. */
export type TeeSource = 'configfs-tsm' | 'sev-guest' | 'tdx-guest' | 'simulator';

/** Length of REPORTDATA in a TD report / SNP report (tee-evidence-layouts.md §2.4, §4). */
export const REPORT_DATA_LEN = 64;

/**
 * Intel collateral in the QuoteCollateralV3 layout (the same JSON shape as fixtures/tee/dcap/<x>/collateral.json):
 * `tcb_info` / `qe_identity` are the exact signed JSON texts (never re-serialize them), signatures are hex r‖s,
 * CRLs are hex DER, issuer chains are PEM.
 */
export interface QuoteCollateralV3 {
  pck_crl_issuer_chain: string;
  root_ca_crl: string;
  pck_crl: string;
  tcb_info_issuer_chain: string;
  tcb_info: string;
  tcb_info_signature: string;
  qe_identity_issuer_chain: string;
  qe_identity: string;
  qe_identity_signature: string;
}

/** AMD VEK chain, DER certificates: VCEK (or VLEK) → ASK (or ASVK) → ARK. */
export interface VekChain {
  vek: Uint8Array;
  signer: 'vcek' | 'vlek';
  ask?: Uint8Array;
  ark?: Uint8Array;
}

interface EvidenceCommon {
  /** True when a simulator produced it; verifiers reject it unless explicitly allowed. */
  simulated: boolean;
  source: TeeSource;
  /** The 64 bytes the caller asked to bind (echoed for the bundle). */
  reportData: Uint8Array;
}

/** Intel TDX: a DCAP TD quote (v4 from the simulator; v4 or v5 from hardware), with collateral when known. */
export interface TdxEvidence extends EvidenceCommon {
  tee: 'tdx';
  quote: Uint8Array;
  /** Absent when the platform gave only the quote (real configfs-tsm); fetch it from Intel PCS then. */
  collateral?: QuoteCollateralV3;
}

/** AMD SEV-SNP: the 1,184-byte ATTESTATION_REPORT and the VEK chain when the host supplied it. */
export interface SnpEvidence extends EvidenceCommon {
  tee: 'sev-snp';
  report: Uint8Array;
  vekChain?: VekChain;
  /** The raw GHCB certificate table (auxblob / extended-report buffer), when present. */
  certTable?: Uint8Array;
}

export type TeeEvidence = TdxEvidence | SnpEvidence;

export interface TeeQuoteProvider {
  readonly kind: TeeKind;
  readonly simulated: boolean;
  /** Human-readable name for reports ("configfs-tsm (tdx_guest)", "simulated TDX module + QE", …). */
  readonly description: string;
  /** Evidence binding exactly `reportData` (64 bytes, else TEE_REPORT_DATA_INVALID). */
  getEvidence(reportData: Uint8Array): Promise<TeeEvidence>;
}

import { toHex } from '#core/encoding.js';
import { utf8 } from '#core/bytes.js';
import type { QuoteCollateralV3 } from '#device/tee.js';
import { crlHex, type IntelSimPki } from './intel-pki.js';
import { signRaw } from './pki.js';

/**
 * TCB Info v3 (id "TDX") and Enclave Identity v2 (id "TD_QE") as Intel PCS API v4 serves them, signed by
 * the simulated TCB Signing key: ECDSA P-256 r‖s hex over the exact JSON text (tee-evidence-layouts.md §3.3
 * item 9), packaged in the QuoteCollateralV3 layout of fixtures/tee/dcap/<x>/collateral.json.
 */
export interface SimTdxTcb {
  /** SGX TCB Comp01..16 SVN, also the PCK certificate's values and the QE's CPUSVN. */
  sgxComp: number[];
  pceSvn: number;
  /** TEE_TCB_SVN of the TD report; byte 1 > 0 selects tdxModuleIdentities "TDX_%02X" (§3.3 item 7). */
  teeTcbSvn: number[];
  fmspc: string;
  pceId: string;
  qeIsvSvn: number;
  qeIsvProdId: number;
  /** QE MRSIGNER, hex (the QE identity pins it). */
  qeMrSigner: string;
  tcbEvaluationDataNumber: number;
}

export const DEFAULT_SIM_TDX_TCB: SimTdxTcb = {
  sgxComp: [2, 2, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0],
  pceSvn: 11,
  teeTcbSvn: [4, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  fmspc: '50806F000000',
  pceId: '0000',
  qeIsvSvn: 4,
  qeIsvProdId: 2,
  qeMrSigner: '',
  tcbEvaluationDataNumber: 17,
};

const ZERO48 = '0'.repeat(96);
const TCB_DATE = '2025-01-15T00:00:00Z';

/** PCS timestamps carry no fractional seconds. */
export const pcsDate = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const comps = (svns: number[]): { svn: number }[] => svns.map((svn) => ({ svn }));
const lower = (svns: number[]): number[] => svns.map((s) => Math.max(0, s - 1));

export function tdxTcbInfoJson(t: SimTdxTcb, issue: Date, next: Date): string {
  const major = t.teeTcbSvn[1] ?? 0;
  const minor = t.teeTcbSvn[0] ?? 0;
  const moduleId = `TDX_${major.toString(16).toUpperCase().padStart(2, '0')}`;
  const tcbInfo = {
    id: 'TDX',
    version: 3,
    issueDate: pcsDate(issue),
    nextUpdate: pcsDate(next),
    fmspc: t.fmspc,
    pceId: t.pceId,
    tcbType: 0,
    tcbEvaluationDataNumber: t.tcbEvaluationDataNumber,
    tdxModule: { mrsigner: ZERO48, attributes: '0000000000000000', attributesMask: 'FFFFFFFFFFFFFFFF' },
    tdxModuleIdentities: [
      {
        id: moduleId,
        mrsigner: ZERO48,
        attributes: '0000000000000000',
        attributesMask: 'FFFFFFFFFFFFFFFF',
        tcbLevels: [{ tcb: { isvsvn: minor }, tcbDate: TCB_DATE, tcbStatus: 'UpToDate' }],
      },
    ],
    // Levels sorted newest first, as PCS serves them; the platform matches the first (§3.3 item 6).
    tcbLevels: [
      {
        tcb: { sgxtcbcomponents: comps(t.sgxComp), pcesvn: t.pceSvn, tdxtcbcomponents: comps(t.teeTcbSvn) },
        tcbDate: TCB_DATE,
        tcbStatus: 'UpToDate',
      },
      {
        tcb: {
          sgxtcbcomponents: comps(lower(t.sgxComp)),
          pcesvn: Math.max(0, t.pceSvn - 6),
          tdxtcbcomponents: comps(lower(t.teeTcbSvn)),
        },
        tcbDate: '2018-01-04T00:00:00Z',
        tcbStatus: 'OutOfDate',
        advisoryIDs: ['INTEL-SA-00000'],
      },
    ],
  };
  return JSON.stringify(tcbInfo);
}

export function tdQeIdentityJson(t: SimTdxTcb, issue: Date, next: Date): string {
  return JSON.stringify({
    id: 'TD_QE',
    version: 2,
    issueDate: pcsDate(issue),
    nextUpdate: pcsDate(next),
    tcbEvaluationDataNumber: t.tcbEvaluationDataNumber,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: '11000000000000000000000000000000',
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: t.qeMrSigner.toUpperCase(),
    isvprodid: t.qeIsvProdId,
    tcbLevels: [{ tcb: { isvsvn: t.qeIsvSvn }, tcbDate: TCB_DATE, tcbStatus: 'UpToDate' }],
  });
}

export async function buildTdxCollateral(
  pki: IntelSimPki,
  t: SimTdxTcb,
  now: Date,
): Promise<QuoteCollateralV3> {
  const issue = new Date(now.getTime() - 3_600_000);
  const next = new Date(now.getTime() + 30 * 86_400_000);
  const tcbInfo = tdxTcbInfoJson(t, issue, next);
  const qeIdentity = tdQeIdentityJson(t, issue, next);
  const [tcbSig, qeSig] = await Promise.all([
    signRaw(pki.tcbSigning.key, 'SHA-256', utf8.encode(tcbInfo)),
    signRaw(pki.tcbSigning.key, 'SHA-256', utf8.encode(qeIdentity)),
  ]);
  return {
    pck_crl_issuer_chain: pki.pckCrlIssuerChainPem,
    root_ca_crl: crlHex(pki.rootCrl),
    pck_crl: crlHex(pki.pckCrl),
    tcb_info_issuer_chain: pki.tcbIssuerChainPem,
    tcb_info: tcbInfo,
    tcb_info_signature: toHex(tcbSig),
    qe_identity_issuer_chain: pki.tcbIssuerChainPem,
    qe_identity: qeIdentity,
    qe_identity_signature: toHex(qeSig),
  };
}

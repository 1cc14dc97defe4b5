import { fail } from '#core/errors.js';
import { bytesEqual, isAllZero, utf8 } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import { verifyChain, type ChainCodes } from '../abi-common/chain.js';
import { p256KeyFromXY, verifyRawEcdsa } from '../abi-common/ecdsa.js';
import { CheckList, type VerifyError } from '../abi-common/verdict.js';
import {
  crlValidAt,
  memoSignature,
  parseCrl,
  parsePemChain,
  signedBy,
  type Cert,
  type Crl,
} from '../abi-common/x509.js';
import { INTEL_TRUST_ANCHORS, type DcapTrustAnchors } from '../trust/anchors.js';
import type { SgxReportBody } from '../sgx/report-body.js';
import type { TdReportBody } from '../tdx/td-report-body.js';
import type { DcapCollateral } from './collateral.js';
import {
  parseQeIdentity,
  parseTcbInfo,
  type IsvTcbLevel,
  type PlatformTcbLevel,
  type QeIdentity,
  type TcbInfo,
  type TcbStatus,
} from './tcb-info.js';
import { pckExtensions, type PckExtensions } from './pck-extensions.js';
import { parseDcapQuote, serializeQeReport, trailingIsPadding, type DcapQuote } from './quote.js';
import { checkTdxModule, converge, matchTcbLevels, selectIsvLevel, tdRelaunchStatus } from './tcb-level.js';

/**
 * Offline DCAP quote verification in Intel QVL order (reference/tee-evidence-layouts.md §3.3): PCK chain,
 * CRLs, TCB Info and QE Identity (signature, validity), QE report signature and report data, QE identity,
 * quote signature, FMSPC / PCE-ID, TCB level selection, TDX module identity, status convergence.
 * Pure: time, collateral and trust anchors are parameters.
 */
export interface DcapVerifyOptions {
  /** Verification instant: every certificate, CRL, TCB Info and QE Identity must be valid then. */
  at: Date;
  /** Accepted roots; default: the pinned Intel SGX Root CA. */
  trustAnchors?: DcapTrustAnchors;
}

export interface DcapVerdict {
  /** True when every check passed and the TCB status is not Revoked (policy is applied separately). */
  ok: boolean;
  tee: 'sgx' | 'tdx' | undefined;
  version: number | undefined;
  tcbStatus: TcbStatus | undefined;
  advisoryIds: string[];
  components: {
    platform: TcbStatus | undefined;
    qe: TcbStatus | undefined;
    tdxModule: TcbStatus | undefined;
  };
  fmspc: string | undefined;
  quote: DcapQuote | undefined;
  errors: VerifyError[];
}

const PCK_CHAIN: ChainCodes = {
  invalid: 'DCAP_PCK_CHAIN_INVALID',
  untrusted: 'DCAP_ROOT_UNTRUSTED',
  expired: 'DCAP_CERT_EXPIRED',
};
const COLLATERAL_CHAIN: ChainCodes = {
  invalid: 'DCAP_COLLATERAL_CHAIN_INVALID',
  untrusted: 'DCAP_ROOT_UNTRUSTED',
  expired: 'DCAP_CERT_EXPIRED',
};

function checkCrl(crl: Crl, issuer: Cert, at: Date, what: string): void {
  if (crl.issuerKey !== issuer.subjectKey)
    fail('DCAP_CRL_INVALID', `${what} is not issued by ${issuer.subject}`);
  if (!signedBy(crl, issuer)) fail('DCAP_CRL_INVALID', `${what} signature does not verify`);
  if (!crlValidAt(crl, at)) {
    fail('DCAP_CRL_EXPIRED', `${what} is not valid at ${at.toISOString()}`, {
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString(),
    });
  }
}

function notRevoked(crl: Crl, cert: Cert, what: string): void {
  if (crl.revokedSerials.has(cert.serial))
    fail('DCAP_CERT_REVOKED', `${what} (serial ${cert.serial}) is revoked`);
}

function inWindow(issue: Date, next: Date, at: Date): boolean {
  return at.getTime() >= issue.getTime() && at.getTime() <= next.getTime();
}

/** Signed collateral JSON: chain to the root, r‖s signature over the exact text, validity window. */
function checkSignedJson(
  text: string,
  signature: Uint8Array,
  chainPem: string,
  at: Date,
  anchors: DcapTrustAnchors,
  rootCrl: Crl | undefined,
  what: 'TCB Info' | 'QE Identity',
): Cert {
  const chain = parsePemChain(chainPem, `${what} issuer chain`);
  verifyChain(chain, at, anchors.rootSha256, COLLATERAL_CHAIN, `${what} issuer chain`);
  const signer = chain[0] as Cert;
  if (rootCrl !== undefined) notRevoked(rootCrl, signer, `${what} signing certificate`);
  const bytes = utf8.encode(text);
  const key = `json:${toHex(sha256(bytes))}:${toHex(signature)}:${signer.sha256}`;
  if (!memoSignature(key, () => verifyRawEcdsa('sha256', bytes, signer.publicKey, signature))) {
    fail(
      what === 'TCB Info' ? 'DCAP_TCB_INFO_SIGNATURE_INVALID' : 'DCAP_QE_IDENTITY_SIGNATURE_INVALID',
      `${what} signature does not verify`,
    );
  }
  return signer;
}

function checkQeIdentity(qe: SgxReportBody, id: QeIdentity, tee: 'sgx' | 'tdx'): IsvTcbLevel {
  const want = tee === 'sgx' ? 'QE' : 'TD_QE';
  if (id.id !== want)
    fail('DCAP_QE_IDENTITY_MISMATCH', `QE Identity is ${id.id}, a ${tee} quote needs ${want}`);
  if (!bytesEqual(qe.mrSigner, id.mrSigner))
    fail('DCAP_QE_IDENTITY_MISMATCH', 'QE MRSIGNER differs from QE Identity');
  if (qe.isvProdId !== id.isvProdId)
    fail('DCAP_QE_IDENTITY_MISMATCH', 'QE ISVPRODID differs from QE Identity');
  if ((qe.miscSelect & id.miscselectMask) >>> 0 !== id.miscselect)
    fail('DCAP_QE_IDENTITY_MISMATCH', 'QE MISCSELECT differs from QE Identity');
  for (let i = 0; i < 16; i++) {
    if (((qe.attributes[i] as number) & (id.attributesMask[i] as number)) !== id.attributes[i]) {
      fail('DCAP_QE_IDENTITY_MISMATCH', 'QE ATTRIBUTES differ from QE Identity');
    }
  }
  const level = selectIsvLevel(id.tcbLevels, qe.isvSvn);
  if (level === undefined)
    fail('DCAP_QE_TCB_NO_MATCH', `no QE Identity TCB level matches QE ISVSVN ${qe.isvSvn}`);
  return level;
}

function union(...lists: (readonly string[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const l of lists) for (const x of l ?? []) if (!out.includes(x)) out.push(x);
  return out;
}

export function verifyDcapQuote(
  quote: Uint8Array | DcapQuote,
  collateral: DcapCollateral,
  opts: DcapVerifyOptions,
): DcapVerdict {
  const anchors = opts.trustAnchors ?? INTEL_TRUST_ANCHORS;
  const at = opts.at;
  const checks = new CheckList();
  const verdict: DcapVerdict = {
    ok: false,
    tee: undefined,
    version: undefined,
    tcbStatus: undefined,
    advisoryIds: [],
    components: { platform: undefined, qe: undefined, tdxModule: undefined },
    fmspc: undefined,
    quote: undefined,
    errors: checks.errors,
  };
  const q = quote instanceof Uint8Array ? checks.run(() => parseDcapQuote(quote)) : quote;
  if (q === undefined) return verdict;
  verdict.quote = q;
  verdict.version = q.header.version;
  const tee = q.body.kind === 'sgx' ? 'sgx' : 'tdx';
  verdict.tee = tee;
  const td: TdReportBody | undefined = q.body.kind === 'td' ? q.body.report : undefined;

  checks.run(() => {
    if (!trailingIsPadding(q))
      fail('DCAP_TRAILING_DATA', `${q.trailing.length} bytes after the signature data are not zero padding`);
  });

  // 1. PCK chain (certification data type 5), CRLs and revocation.
  const chain = checks.run(() => {
    const c = parsePemChain(new TextDecoder('latin1').decode(q.qe.certData), 'PCK certificate chain');
    verifyChain(c, at, anchors.rootSha256, PCK_CHAIN, 'PCK certificate chain');
    if (c.length !== 3) fail('DCAP_PCK_CHAIN_INVALID', `PCK chain has ${c.length} certificates, expected 3`);
    // QVL 4.1.2.4.4: the leaf must be a PCK certificate, not any certificate the PCK CA issued.
    if (!/CN=[^,]*SGX PCK Certificate/.test((c[0] as Cert).subject))
      fail('DCAP_PCK_CHAIN_INVALID', 'leaf CN does not contain "SGX PCK Certificate"');
    return c;
  });
  const root = chain?.[2];
  // Without a trusted root (already reported) the Root CA CRL cannot be checked; no second error for it.
  const rootCrl =
    root === undefined
      ? undefined
      : checks.run(() => {
          const crl = parseCrl(collateral.rootCaCrl, 'Root CA CRL');
          checkCrl(crl, root, at, 'Root CA CRL');
          return crl;
        });
  if (chain !== undefined) {
    const [leaf, inter] = chain as [Cert, Cert, Cert];
    checks.run(() => {
      // The PCK CRL issuer chain must itself lead to the pinned root; the CRL must be the intermediate's.
      verifyChain(
        parsePemChain(collateral.pckCrlIssuerChain, 'PCK CRL issuer chain'),
        at,
        anchors.rootSha256,
        COLLATERAL_CHAIN,
        'PCK CRL issuer chain',
      );
      const pckCrl = parseCrl(collateral.pckCrl, 'PCK CRL');
      checkCrl(pckCrl, inter, at, 'PCK CRL');
      notRevoked(pckCrl, leaf, 'PCK certificate');
    });
    if (rootCrl !== undefined) checks.run(() => notRevoked(rootCrl, inter, 'PCK CA certificate'));
  }

  // 2–3. TCB Info and QE Identity: signature by the TCB Signing chain, validity window.
  const tcbInfo = checks.run((): TcbInfo => {
    checkSignedJson(
      collateral.tcbInfo,
      collateral.tcbInfoSignature,
      collateral.tcbInfoIssuerChain,
      at,
      anchors,
      rootCrl,
      'TCB Info',
    );
    const info = parseTcbInfo(collateral.tcbInfo);
    if (!inWindow(info.issueDate, info.nextUpdate, at))
      fail('DCAP_TCB_INFO_EXPIRED', `TCB Info is not valid at ${at.toISOString()}`);
    if (info.id !== (tee === 'sgx' ? 'SGX' : 'TDX'))
      fail('DCAP_TCB_INFO_MISMATCH', `TCB Info is for ${info.id}, the quote is ${tee}`);
    return info;
  });
  const qeIdentity = checks.run((): QeIdentity => {
    checkSignedJson(
      collateral.qeIdentity,
      collateral.qeIdentitySignature,
      collateral.qeIdentityIssuerChain,
      at,
      anchors,
      rootCrl,
      'QE Identity',
    );
    const id = parseQeIdentity(collateral.qeIdentity);
    if (!inWindow(id.issueDate, id.nextUpdate, at))
      fail('DCAP_QE_IDENTITY_EXPIRED', `QE Identity is not valid at ${at.toISOString()}`);
    return id;
  });

  // 4. QE report: signed by the PCK key; REPORTDATA binds the attestation key and QE auth data.
  if (chain !== undefined) {
    checks.run(() => {
      if (
        !verifyRawEcdsa(
          'sha256',
          serializeQeReport(q.qe),
          (chain[0] as Cert).publicKey,
          q.qe.qeReportSignature,
        )
      ) {
        fail('DCAP_QE_REPORT_SIGNATURE_INVALID', 'QE report signature does not verify under the PCK key');
      }
    });
  }
  checks.run(() => {
    const rd = q.qe.qeReport.reportData;
    if (
      !bytesEqual(rd.subarray(0, 32), sha256(q.attestationKey, q.qe.qeAuthData)) ||
      !isAllZero(rd.subarray(32))
    ) {
      fail(
        'DCAP_QE_REPORT_DATA_MISMATCH',
        'QE report data is not SHA-256(attestation key ‖ QE auth data) ‖ 0^32',
      );
    }
  });
  const qeLevel =
    qeIdentity === undefined ? undefined : checks.run(() => checkQeIdentity(q.qe.qeReport, qeIdentity, tee));

  // 5. Quote signature by the attestation key over header (+ descriptor) + body.
  checks.run(() => {
    const key = p256KeyFromXY(q.attestationKey);
    if (key === undefined || !verifyRawEcdsa('sha256', q.signedRegion, key, q.signature)) {
      fail('DCAP_QUOTE_SIGNATURE_INVALID', 'quote signature does not verify under the attestation key');
    }
  });

  // 6–8. PCK extensions vs TCB Info, TCB level, TDX module, convergence.
  const pck =
    chain === undefined ? undefined : checks.run((): PckExtensions => pckExtensions(chain[0] as Cert));
  verdict.fmspc = pck?.fmspc;
  let platform: PlatformTcbLevel | undefined;
  let sgxLevel: PlatformTcbLevel | undefined;
  let moduleLevel: IsvTcbLevel | undefined;
  if (pck !== undefined && tcbInfo !== undefined) {
    checks.run(() => {
      if (pck.fmspc !== tcbInfo.fmspc.toLowerCase())
        fail('DCAP_FMSPC_MISMATCH', `PCK FMSPC ${pck.fmspc} differs from TCB Info ${tcbInfo.fmspc}`);
      if (pck.pceId !== tcbInfo.pceId.toLowerCase())
        fail('DCAP_PCEID_MISMATCH', `PCK PCE-ID ${pck.pceId} differs from TCB Info ${tcbInfo.pceId}`);
    });
    if (td !== undefined) {
      checks.run(() => {
        if (!isAllZero(td.seamAttributes)) fail('DCAP_TDX_MODULE_MISMATCH', 'SEAMATTRIBUTES must be zero');
      });
      moduleLevel = checks.run(() => checkTdxModule(tcbInfo, td).level);
    }
    platform = checks.run(() => {
      const m = matchTcbLevels(tcbInfo, pck, td);
      sgxLevel = m.sgx;
      const l = td === undefined ? m.sgx : m.tdx;
      if (l === undefined)
        fail('DCAP_TCB_NO_MATCH', 'no TCB level of the TCB Info matches the platform (TCB not supported)');
      return l;
    });
  }
  verdict.components = {
    platform: platform?.tcbStatus,
    qe: qeLevel?.tcbStatus,
    tdxModule: moduleLevel?.tcbStatus,
  };
  if (platform !== undefined) {
    const moduleStatus = moduleLevel?.tcbStatus ?? 'UpToDate';
    let status = converge(platform.tcbStatus, moduleStatus);
    // TD report 1.5: TDRelaunchCheck before the QE convergence (TcbLevelCheck.cpp 4.1.2.4.17.4.3).
    const svn2 = td?.teeTcbSvn2;
    if (svn2 !== undefined && tcbInfo !== undefined && status !== 'Revoked') {
      const sgxStatus = (sgxLevel ?? platform).tcbStatus;
      status =
        checks.run(() =>
          tdRelaunchStatus(svn2, tcbInfo, sgxStatus, status, moduleStatus, qeLevel?.tcbStatus),
        ) ?? status;
    }
    status = converge(status, qeLevel?.tcbStatus);
    verdict.tcbStatus = status;
    verdict.advisoryIds = union(platform.advisoryIds, moduleLevel?.advisoryIds, qeLevel?.advisoryIds);
    if (status === 'Revoked') checks.run(() => fail('DCAP_TCB_REVOKED', 'the platform TCB is revoked'));
  }
  verdict.ok = checks.ok && verdict.tcbStatus !== undefined;
  return verdict;
}

/** Hex of the quote's measurements in the shape of the CLI's --json output. */
export function dcapMeasurements(q: DcapQuote): Record<string, string | number | string[]> {
  if (q.body.kind === 'sgx') {
    const b = q.body.report;
    return {
      mr_enclave: toHex(b.mrEnclave),
      mr_signer: toHex(b.mrSigner),
      isv_prod_id: b.isvProdId,
      isv_svn: b.isvSvn,
      attributes: toHex(b.attributes),
      misc_select: b.miscSelect,
    };
  }
  const t = q.body.report;
  const m: Record<string, string | number | string[]> = {
    mr_td: toHex(t.mrTd),
    rtmrs: t.rtmr.map(toHex),
    mr_seam: toHex(t.mrSeam),
    mr_signer_seam: toHex(t.mrSignerSeam),
    td_attributes: toHex(t.tdAttributes),
    xfam: toHex(t.xfam),
    mr_config_id: toHex(t.mrConfigId),
    mr_owner: toHex(t.mrOwner),
    mr_owner_config: toHex(t.mrOwnerConfig),
    tee_tcb_svn: toHex(t.teeTcbSvn),
  };
  if (t.mrServiceTd !== undefined) m['mr_service_td'] = toHex(t.mrServiceTd);
  return m;
}

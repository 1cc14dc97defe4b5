import { bytesEqual } from '#core/bytes.js';
import { AegisError, toAegisError, type ErrorCode } from '#core/errors.js';
import { fromBase64, fromHex, toHex } from '#core/encoding.js';
import { fingerprint } from '#crypto/fingerprint.js';
import { parseDcapCollateral, verifyDcapQuote } from '../dcap/index.js';
import { verifySnpReport } from '../sev-snp/index.js';
import { verifyTpmEvidence } from '../tpm/verify-evidence.js';
import { quoteFromJson } from '../tpm/quote-json.js';
import { objectName } from '../tpm/public.js';
import {
  certsFromBlob,
  dcapAnchorsFromCerts,
  snpAnchorsFromCerts,
  type DcapTrustAnchors,
  type SnpTrustAnchors,
} from '../trust/index.js';
import { dcapReport, snpReport, type AppraisalPolicy, type AttestationReport } from '../validate/index.js';
import { defaultAmdRoots } from '../trust/anchors.js';
import { bindingDigest, qualifyingData } from './binding.js';
import { bundleDigest, parseBundle, type BundleSnp, type BundleTdx, type EvidenceBundle } from './bundle.js';

/**
 * Offline verification of an evidence bundle (DESIGN.md, Audit flow): the TEE quote or report up to the
 * vendor root, the TPM quote, the binding of both to the audit keys and the nonce, and the appraisal policy.
 * Simulated evidence is rejected unless `allowSimulated`, and is then flagged. Pure: inputs only.
 */
export interface BundleVerifyOptions {
  at: Date;
  /** The verifier's nonce; when given the bundle must carry it (freshness). */
  nonce?: Uint8Array;
  policy?: AppraisalPolicy;
  /** Operator-supplied roots (DER certificates); default Intel SGX Root CA / AMD ARKs pinned by SHA-256. */
  trustAnchorCerts?: Uint8Array[];
  allowSimulated?: boolean;
  /** Audit keys the auditor expects (SPKI DER), e.g. from the log's genesis record. */
  expectedKeys?: { ed25519: Uint8Array; mldsa: Uint8Array };
  /** The TPM attestation key's Name the auditor trusts (from an earlier EK credential activation); pins the AK. */
  akName?: Uint8Array;
}

export interface BundleVerdict {
  ok: boolean;
  simulated: boolean;
  digest: string | null;
  tee: (AttestationReport & { simulated: boolean; binding_ok: boolean }) | null;
  tpm: {
    ok: boolean;
    simulated: boolean;
    /** Name of the AK that signed the quote (hex), to pin with --ak-name next time. */
    ak_name: string | null;
    /**
     * Whether the AK is known to sit in a genuine TPM: true only when pinned with --ak-name. A quote alone proves
     * the PCR values to whoever trusts its AK; the bundle carries no EK-certificate proof for the AK yet.
     */
    ak_trusted: boolean;
    pcrs: Record<string, string>;
    clock: string | null;
    reset_count: number | null;
    restart_count: number | null;
    binding_ok: boolean;
    errors: Array<{ code: ErrorCode; message: string }>;
  } | null;
  /** Facts an auditor must weigh that are not failures (e.g. an unpinned AK). */
  warnings: Array<{ code: ErrorCode; message: string }>;
  binding: {
    ok: boolean;
    report_data: string | null;
    nonce_ok: boolean;
    keys: { ed25519: string; ml_dsa_65: string } | null;
    keys_match_expected: boolean | null;
  };
  policy: { checked: string[]; failed: string[]; not_checked: string[] };
  errors: Array<{ code: ErrorCode; message: string }>;
}

export function verifyBundle(input: unknown, opts: BundleVerifyOptions): BundleVerdict {
  const out: BundleVerdict = {
    ok: false,
    simulated: false,
    digest: null,
    tee: null,
    tpm: null,
    binding: {
      ok: false,
      report_data: null,
      nonce_ok: opts.nonce === undefined,
      keys: null,
      keys_match_expected: null,
    },
    policy: { checked: [], failed: [], not_checked: [] },
    errors: [],
    warnings: [],
  };
  const err = (code: ErrorCode, message: string): void => void out.errors.push({ code, message });
  let b: EvidenceBundle;
  try {
    b = parseBundle(input);
  } catch (e) {
    const x = toAegisError(e);
    err(x.code, x.message);
    return out;
  }
  out.digest = bundleDigest(b);
  // 1. Binding digest from the bundle's own keys and nonce.
  let binding: Uint8Array | undefined;
  try {
    const ed = fromBase64(b.keys.ed25519_spki_b64, 'ed25519 key');
    const pq = fromBase64(b.keys.ml_dsa_65_spki_b64, 'ML-DSA key');
    const nonce = fromHex(b.nonce, 'nonce');
    binding = bindingDigest(ed, pq, nonce);
    out.binding.report_data = toHex(binding);
    out.binding.keys = { ed25519: fingerprint(ed), ml_dsa_65: fingerprint(pq) };
    if (opts.nonce !== undefined) {
      out.binding.nonce_ok = bytesEqual(opts.nonce, nonce);
      if (!out.binding.nonce_ok)
        err('BUNDLE_NONCE_MISMATCH', 'the bundle was made for another nonce (stale or replayed evidence)');
    }
    if (opts.expectedKeys) {
      out.binding.keys_match_expected =
        bytesEqual(opts.expectedKeys.ed25519, ed) && bytesEqual(opts.expectedKeys.mldsa, pq);
      if (!out.binding.keys_match_expected)
        err('BUNDLE_KEYS_MISMATCH', 'the bundle binds other audit keys than the expected ones');
    }
    if (b.binding !== out.binding.report_data)
      err('BUNDLE_BINDING_MISMATCH', 'bundle.binding is not the digest of its keys and nonce');
  } catch (e) {
    const x = toAegisError(e);
    err(x.code, x.message);
  }
  const userCerts = (opts.trustAnchorCerts ?? []).flatMap((d) => certsFromBlob(d, 'trust anchor'));
  // 2. TEE evidence.
  if (b.tee) {
    const simulated = b.tee.simulated === true;
    out.simulated ||= simulated;
    if (simulated && !opts.allowSimulated)
      err(
        'BUNDLE_SIMULATED_REJECTED',
        `the ${b.tee.kind} evidence comes from a simulator; pass --allow-simulated to accept it (flagged)`,
      );
    try {
      // Operator-supplied anchors, when given, are the only roots; the simulator's embedded TEST-ONLY anchors
      // are used only without them and only with allowSimulated.
      const simCerts =
        simulated && opts.allowSimulated && b.tee.simulator_anchors_pem
          ? certsFromBlob(new TextEncoder().encode(b.tee.simulator_anchors_pem), 'simulator anchors')
          : [];
      const anchorCerts = userCerts.length > 0 ? userCerts : simCerts;
      const report =
        b.tee.kind === 'tdx' ? verifyTdx(b.tee, opts, anchorCerts) : verifySnp(b.tee, opts, anchorCerts);
      const bindingOk = binding !== undefined && report.report_data === toHex(binding);
      if (!bindingOk)
        err('BUNDLE_BINDING_MISMATCH', 'the TEE report_data does not bind the audit keys and the nonce');
      out.tee = { ...report, simulated, binding_ok: bindingOk };
      out.policy = report.policy;
      for (const e of report.errors) err(e.code, e.message);
    } catch (e) {
      const x = toAegisError(e);
      err(x.code, x.message);
    }
  }
  // 3. TPM quote.
  if (b.tpm) {
    const simulated = b.tpm.simulated === true;
    out.simulated ||= simulated;
    if (simulated && !opts.allowSimulated)
      err(
        'BUNDLE_SIMULATED_REJECTED',
        `the TPM quote comes from a software TPM (${b.tpm.description}); pass --allow-simulated to accept it (flagged)`,
      );
    const tpm: NonNullable<BundleVerdict['tpm']> = {
      ok: false,
      simulated,
      ak_name: null,
      ak_trusted: false,
      pcrs: {},
      clock: null,
      reset_count: null,
      restart_count: null,
      binding_ok: false,
      errors: [],
    };
    try {
      const v = verifyTpmEvidence(b.tpm.quote, {
        qualifyingData: qualifyingData(binding ?? new Uint8Array(64)),
        ...(opts.akName ? { akName: opts.akName } : {}),
      });
      tpm.ok = true;
      tpm.ak_name = toHex(objectName(quoteFromJson(b.tpm.quote).akPublic));
      tpm.ak_trusted = opts.akName !== undefined;
      if (!tpm.ak_trusted) {
        out.warnings.push({
          code: 'BUNDLE_AK_NOT_PINNED',
          message: `the TPM quote is signed by AK ${tpm.ak_name.slice(0, 16)}…, which this verification did not pin (--ak-name); trust it only if you know that AK belongs to this platform's TPM`,
        });
      }
      tpm.binding_ok = binding !== undefined;
      for (const p of v.pcrs)
        tpm.pcrs[`${p.hash === 0x000b ? 'sha256' : `alg${p.hash}`}:${p.index}`] = toHex(p.value);
      tpm.clock = String(v.attest.clockInfo.clock);
      tpm.reset_count = v.attest.clockInfo.resetCount;
      tpm.restart_count = v.attest.clockInfo.restartCount;
    } catch (e) {
      const x = toAegisError(e);
      tpm.errors.push({ code: x.code, message: x.message });
      err(x.code, x.message);
    }
    out.tpm = tpm;
  }
  if (!b.tee && !b.tpm)
    err(
      'BUNDLE_NO_EVIDENCE',
      'the bundle carries neither TEE evidence nor a TPM quote: the keys are not bound to hardware',
    );
  out.binding.ok =
    binding !== undefined &&
    (out.tee?.binding_ok ?? true) &&
    (out.tpm?.binding_ok ?? true) &&
    out.binding.nonce_ok &&
    out.binding.keys_match_expected !== false;
  out.ok = out.errors.length === 0;
  return out;
}

function verifyTdx(
  t: BundleTdx,
  opts: BundleVerifyOptions,
  certs: ReturnType<typeof certsFromBlob>,
): AttestationReport {
  if (!t.collateral)
    throw new AegisError(
      'BUNDLE_COLLATERAL_MISSING',
      'the TDX quote has no collateral in the bundle; fetch it from Intel PCS and add it',
    );
  const collateral = parseDcapCollateral(JSON.stringify(t.collateral));
  const anchors: DcapTrustAnchors | undefined = certs.length > 0 ? dcapAnchorsFromCerts(certs) : undefined;
  const quote = fromBase64(t.quote_b64, 'TDX quote');
  return dcapReport(
    verifyDcapQuote(quote, collateral, anchors ? { at: opts.at, trustAnchors: anchors } : { at: opts.at }),
    opts.policy,
  );
}

function verifySnp(
  s: BundleSnp,
  opts: BundleVerifyOptions,
  certs: ReturnType<typeof certsFromBlob>,
): AttestationReport {
  if (!s.vek_chain)
    throw new AegisError('BUNDLE_COLLATERAL_MISSING', 'the SEV-SNP report has no VCEK/VLEK in the bundle');
  const chain = [s.vek_chain.vek_b64, s.vek_chain.ask_b64, s.vek_chain.ark_b64]
    .filter((x): x is string => typeof x === 'string')
    .map((x) => fromBase64(x, 'VEK chain'));
  // Default: the chain's own ASK/ARK as candidates, accepted only if the ARK matches AMD's pinned SHA-256.
  const anchors: SnpTrustAnchors =
    certs.length > 0 ? snpAnchorsFromCerts(certs) : { certs: chain.slice(1), rootSha256: defaultAmdRoots() };
  return snpReport(
    verifySnpReport(fromBase64(s.report_b64, 'SNP report'), chain, { at: opts.at, trustAnchors: anchors }),
    opts.policy,
  );
}

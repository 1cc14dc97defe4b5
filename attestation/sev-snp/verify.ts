import { fail } from '#core/errors.js';
import { bytesEqual } from '#core/bytes.js';
import { toHex } from '#core/encoding.js';
import { verifyRawEcdsa } from '../abi-common/ecdsa.js';
import { CheckList, type VerifyError } from '../abi-common/verdict.js';
import {
  certValidAt,
  crlValidAt,
  parseCert,
  parseCrl,
  parsePemChain,
  signedBy,
  type Cert,
} from '../abi-common/x509.js';
import { defaultAmdRoots, type SnpProduct, type SnpTrustAnchors } from '../trust/anchors.js';
import {
  parseSnpReport,
  productFromCpuid,
  snpSignatureP1363,
  snpSigningKey,
  type SnpReport,
} from './report.js';
import { decodeTcb, type SnpTcb } from './tcb.js';
import { vekExtensions, type VekExtensions } from './vek-extensions.js';

/**
 * Offline SEV-SNP report verification (AMD #56860 and #57230; reference/tee-evidence-layouts.md §4):
 * VCEK → ASK or VLEK → ASVK → ARK of the product (RSASSA-PSS SHA-384), report signature (ECDSA P-384,
 * little-endian r and s), REPORTED_TCB equal to the VEK's SPL extensions, hwID equal to CHIP_ID (VCEK),
 * product detection. Pure: time and trust anchors are parameters.
 */
export interface SnpVerifyOptions {
  at: Date;
  trustAnchors: SnpTrustAnchors;
}

export interface SnpVerdict {
  ok: boolean;
  tee: 'sev-snp';
  version: number | undefined;
  product: SnpProduct | undefined;
  signer: 'vcek' | 'vlek' | undefined;
  reportedTcb: SnpTcb | undefined;
  report: SnpReport | undefined;
  errors: VerifyError[];
}

/** A VEK given as DER, PEM text bytes (VEK first, optionally followed by ASK / ARK), or several DERs. */
export function vekCerts(vek: Uint8Array | readonly Uint8Array[]): Cert[] {
  if (!(vek instanceof Uint8Array)) return vek.map((d) => parseCert(d, 'VEK chain'));
  const text = Buffer.from(vek).toString('latin1');
  return text.includes('-----BEGIN CERTIFICATE-----') ? parsePemChain(text, 'VEK') : [parseCert(vek, 'VEK')];
}

function checkValid(c: Cert, at: Date, what: string): void {
  if (!certValidAt(c, at)) {
    fail('SNP_CERT_EXPIRED', `${what} (${c.subject}) is not valid at ${at.toISOString()}`, {
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
    });
  }
}

/** VEK → ASK / ASVK → ARK, where the ARK is self-signed and pinned for `product`. */
function checkChain(
  vek: Cert,
  candidates: readonly Cert[],
  product: SnpProduct,
  anchors: SnpTrustAnchors,
  at: Date,
): void {
  const roots = anchors.rootSha256?.[product] ?? defaultAmdRoots()[product];
  const ask = candidates.find((c) => c.subjectKey === vek.issuerKey && signedBy(vek, c));
  if (ask === undefined) fail('SNP_CHAIN_INVALID', `no supplied ASK / ASVK (${vek.issuer}) signs the VEK`);
  const ark = candidates.find(
    (c) => c.subjectKey === ask.issuerKey && c.issuerKey === c.subjectKey && signedBy(ask, c),
  );
  if (ark === undefined)
    fail('SNP_CHAIN_INVALID', `no supplied ARK (${ask.issuer}) signs the ${ask.subject} certificate`);
  if (!signedBy(ark, ark)) fail('SNP_CHAIN_INVALID', 'the ARK self-signature does not verify');
  if (!roots.includes(ark.sha256)) fail('SNP_ROOT_UNTRUSTED', `the ARK is not a pinned ${product} root`);
  checkValid(vek, at, 'VEK');
  checkValid(ask, at, 'ASK / ASVK');
  checkValid(ark, at, 'ARK');
  for (const der of anchors.crls ?? []) {
    const crl = parseCrl(der, 'AMD CRL');
    if (crl.issuerKey !== ark.subjectKey) continue; // another product's CRL
    if (!signedBy(crl, ark)) fail('SNP_CRL_INVALID', `the ${ark.subject} CRL signature does not verify`);
    if (!crlValidAt(crl, at))
      fail('SNP_CRL_EXPIRED', `the ${ark.subject} CRL is not valid at ${at.toISOString()}`);
    for (const [c, what] of [
      [ask, 'ASK / ASVK'],
      [vek, 'VEK'],
    ] as const) {
      if (crl.revokedSerials.has(c.serial))
        fail('SNP_CERT_REVOKED', `${what} (serial ${c.serial}) is revoked by the ARK CRL`);
    }
  }
}

function checkTcb(reported: SnpTcb, ext: VekExtensions, product: SnpProduct): void {
  const pairs: [string, number, number | undefined][] = [
    ['bootloader', reported.bootloader, ext.bootloader],
    ['tee', reported.tee, ext.tee],
    ['snp', reported.snp, ext.snp],
    ['microcode', reported.microcode, ext.microcode],
  ];
  if (product === 'turin') pairs.push(['fmc', reported.fmc ?? 0, ext.fmc]);
  for (const [name, r, v] of pairs) {
    if (r !== v)
      fail(
        'SNP_TCB_MISMATCH',
        `REPORTED_TCB ${name} ${r} differs from the VEK's ${name} SPL ${v ?? 'absent'}`,
      );
  }
}

export function verifySnpReport(
  report: Uint8Array | SnpReport,
  vek: Uint8Array | readonly Uint8Array[],
  opts: SnpVerifyOptions,
): SnpVerdict {
  const checks = new CheckList();
  const verdict: SnpVerdict = {
    ok: false,
    tee: 'sev-snp',
    version: undefined,
    product: undefined,
    signer: undefined,
    reportedTcb: undefined,
    report: undefined,
    errors: checks.errors,
  };
  const r = report instanceof Uint8Array ? checks.run(() => parseSnpReport(report)) : report;
  if (r === undefined) return verdict;
  verdict.report = r;
  verdict.version = r.version;
  const certs = checks.run(() => vekCerts(vek));
  const vekCert = certs?.[0];
  const ext = vekCert === undefined ? undefined : checks.run(() => vekExtensions(vekCert));

  // Product: CPUID (v3+) and the VEK's productName must agree; v2 reports rely on the VEK alone.
  const product = checks.run((): SnpProduct => {
    const fromCpuid = productFromCpuid(r);
    const fromVek = ext?.product;
    if (fromCpuid !== undefined && fromVek !== undefined && fromCpuid !== fromVek) {
      fail('SNP_PRODUCT_MISMATCH', `report CPUID says ${fromCpuid}, the VEK says ${fromVek}`);
    }
    const p = fromCpuid ?? fromVek;
    if (p === undefined)
      fail('SNP_PRODUCT_UNKNOWN', 'cannot tell Milan, Genoa or Turin from the report or the VEK');
    return p;
  });
  verdict.product = product;
  verdict.reportedTcb = decodeTcb(r.reportedTcb, product);

  if (vekCert !== undefined && ext !== undefined) {
    const signer = ext.cspId !== undefined || vekCert.issuer.includes('VLEK') ? 'vlek' : 'vcek';
    verdict.signer = signer;
    checks.run(() => {
      const k = snpSigningKey(r);
      if (k !== signer)
        fail(
          'SNP_SIGNER_MISMATCH',
          `report SIGNING_KEY is ${k}, the certificate is a ${signer.toUpperCase()}`,
        );
    });
    if (product !== undefined) {
      checks.run(() =>
        checkChain(
          vekCert,
          [...(certs ?? []).slice(1), ...opts.trustAnchors.certs.map((d) => parseCert(d, 'trust anchor'))],
          product,
          opts.trustAnchors,
          opts.at,
        ),
      );
      checks.run(() => checkTcb(decodeTcb(r.reportedTcb, product), ext, product));
      if (signer === 'vcek') {
        checks.run(() => {
          // Turin VCEKs carry the first 8 bytes of CHIP_ID (#57230 hwID).
          const want = product === 'turin' ? r.chipId.subarray(0, 8) : r.chipId;
          if (ext.hwId === undefined || !bytesEqual(ext.hwId, want))
            fail('SNP_CHIP_ID_MISMATCH', 'VCEK hwID differs from the report CHIP_ID');
        });
      }
    }
    checks.run(() => {
      if (r.signatureAlgo !== 1)
        fail(
          'SNP_SIGNATURE_ALGO_UNSUPPORTED',
          `signature algorithm ${r.signatureAlgo} is not ECDSA P-384 with SHA-384 (1)`,
        );
    });
    // Checked even when the algorithm field is wrong: the field is signed, so a change also breaks the signature.
    checks.run(() => {
      if (!verifyRawEcdsa('sha384', r.signedRegion, vekCert.publicKey, snpSignatureP1363(r))) {
        fail('SNP_SIGNATURE_INVALID', 'report signature does not verify under the VEK');
      }
    });
  }
  verdict.ok = checks.ok;
  return verdict;
}

/** Measurements of a report in the shape of the CLI's --json output. */
export function snpMeasurements(r: SnpReport): Record<string, string | number> {
  return {
    measurement: toHex(r.measurement),
    host_data: toHex(r.hostData),
    id_key_digest: toHex(r.idKeyDigest),
    author_key_digest: toHex(r.authorKeyDigest),
    family_id: toHex(r.familyId),
    image_id: toHex(r.imageId),
    guest_svn: r.guestSvn,
    policy: '0x' + r.policy.toString(16),
    vmpl: r.vmpl,
    chip_id: toHex(r.chipId),
  };
}

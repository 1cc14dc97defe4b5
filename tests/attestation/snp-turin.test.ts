import { describe, expect, it } from 'vitest';
import { toHex } from '#core/encoding.js';
import { sha256 } from '#crypto/hash.js';
import {
  encodeTcb,
  parseSnpReport,
  serializeSnpReport,
  serializeSnpSignedRegion,
  snpSignatureFromP1363,
  verifySnpReport,
  type SnpReport,
  type SnpTcb,
} from '#attestation/sev-snp/index.js';
import { createAmdRoots } from '#firmware-sim/tee/amd-pki.js';
import {
  der,
  generateKeyPair,
  makeCert,
  makeCrl,
  P384,
  SIG_RSA_PSS_SHA384,
  signRaw,
  x509,
} from '#firmware-sim/tee/pki.js';
import { ia5String, integer } from '#firmware-sim/tee/der-writer.js';

/**
 * No public Turin evidence is in the fixtures, so the Turin rules (TCB_VERSION layout with FMC, fmcSPL,
 * 8-byte hwID, CPUID family 0x1A) are checked on a report we build and sign here with a TEST-ONLY
 * ARK → ASK → VCEK made by the simulator's PKI helpers.
 */
const P = '1.3.6.1.4.1.3704.1';
const TCB: SnpTcb = { fmc: 1, bootloader: 2, tee: 3, snp: 4, microcode: 5 };
const ORG = 'O=Aegis TEST-ONLY (not AMD), C=ZZ';

async function turinEvidence(vekTcb: SnpTcb, vekHwId: Uint8Array) {
  const now = new Date();
  const roots = await createAmdRoots('Turin', now);
  const keys = await generateKeyPair(P384);
  const ext = (s: string, v: Uint8Array) => new x509.Extension(`${P}.${s}`, false, v);
  const vek = await makeCert({
    serial: '03',
    subject: `CN=SEV-VCEK, ${ORG}`,
    issuer: roots.ask,
    keys,
    ca: false,
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 86_400_000),
    signingAlgorithm: SIG_RSA_PSS_SHA384,
    extensions: [
      ext('1', integer(1)),
      ext('2', ia5String('Turin')),
      ext('3.1', integer(vekTcb.bootloader)),
      ext('3.2', integer(vekTcb.tee)),
      ext('3.3', integer(vekTcb.snp)),
      ext('3.8', integer(vekTcb.microcode)),
      ext('3.9', integer(vekTcb.fmc ?? 0)),
      ext('4', vekHwId),
    ],
  });
  const chipId = new Uint8Array(64);
  chipId.set([1, 2, 3, 4, 5, 6, 7, 8]);
  const z = (n: number): Uint8Array => new Uint8Array(n);
  const fields: Omit<SnpReport, 'signedRegion' | 'sigR' | 'sigS'> = {
    version: 3,
    guestSvn: 0,
    policy: (1n << 17n) | (1n << 16n),
    familyId: z(16),
    imageId: z(16),
    vmpl: 0,
    signatureAlgo: 1,
    currentTcb: encodeTcb(TCB, 'turin'),
    platformInfo: 1n,
    keyInfo: 0,
    reportData: z(64),
    measurement: z(48),
    hostData: z(32),
    idKeyDigest: z(48),
    authorKeyDigest: z(48),
    reportId: z(32),
    reportIdMa: z(32),
    reportedTcb: encodeTcb(TCB, 'turin'),
    cpuidFamId: 0x1a,
    cpuidModId: 0x02,
    cpuidStep: 0,
    chipId,
    committedTcb: encodeTcb(TCB, 'turin'),
    currentBuild: 1,
    currentMinor: 2,
    currentMajor: 1,
    committedBuild: 1,
    committedMinor: 2,
    committedMajor: 1,
    launchTcb: encodeTcb(TCB, 'turin'),
    launchMitVector: 0n,
    currentMitVector: 0n,
  };
  const rs = await signRaw(keys.privateKey, 'SHA-384', serializeSnpSignedRegion(fields));
  const report = serializeSnpReport({ ...fields, ...snpSignatureFromP1363(rs) });
  const anchors = {
    certs: [der(roots.ask.cert), der(roots.ark.cert)],
    rootSha256: { turin: [toHex(sha256(der(roots.ark.cert)))] },
  };
  return { now, report, vek: der(vek), anchors, chipId, roots };
}

describe('SEV-SNP Turin rules', () => {
  it('accepts a Turin report: FMC in TCB_VERSION byte 0, fmcSPL, 8-byte hwID', async () => {
    const e = await turinEvidence(TCB, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(Buffer.from(serializeSnpReport(parseSnpReport(e.report))).equals(Buffer.from(e.report))).toBe(
      true,
    );
    const v = verifySnpReport(e.report, e.vek, { at: e.now, trustAnchors: e.anchors });
    expect(v.errors).toEqual([]);
    expect([v.ok, v.product, v.signer]).toEqual([true, 'turin', 'vcek']);
    expect(v.reportedTcb).toEqual(TCB);
    const milanOnly = verifySnpReport(e.report, e.vek, {
      at: e.now,
      trustAnchors: { ...e.anchors, rootSha256: { milan: e.anchors.rootSha256.turin } },
    });
    expect(milanOnly.errors.map((x) => x.code)).toEqual(['SNP_ROOT_UNTRUSTED']);
  });

  it('rejects a wrong fmcSPL and a wrong 8-byte hwID', async () => {
    const e = await turinEvidence({ ...TCB, fmc: 9 }, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 9));
    const codes = verifySnpReport(e.report, e.vek, { at: e.now, trustAnchors: e.anchors }).errors.map(
      (x) => x.code,
    );
    expect(codes).toEqual(['SNP_TCB_MISMATCH', 'SNP_CHIP_ID_MISMATCH']);
  });
});

describe('SEV-SNP AMD CRL (optional trust-anchor input)', () => {
  it('a current ARK-signed CRL that lists nothing passes; a listed VEK or ASK, a stale or forged CRL fail', async () => {
    const e = await turinEvidence(TCB, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const day = 86_400_000;
    const crl = async (serials: string[], from: number, to: number, key = e.roots.ark.key) =>
      der(
        await makeCrl(
          { cert: e.roots.ark.cert, key },
          new Date(e.now.getTime() + from),
          new Date(e.now.getTime() + to),
          serials,
          SIG_RSA_PSS_SHA384,
        ),
      );
    const codes = async (c: Uint8Array) =>
      verifySnpReport(e.report, e.vek, { at: e.now, trustAnchors: { ...e.anchors, crls: [c] } }).errors.map(
        (x) => x.code,
      );
    expect(await codes(await crl([], -day, day))).toEqual([]);
    expect(await codes(await crl(['03'], -day, day))).toEqual(['SNP_CERT_REVOKED']);
    expect(await codes(await crl(['02'], -day, day))).toEqual(['SNP_CERT_REVOKED']);
    expect(await codes(await crl([], -2 * day, -day))).toEqual(['SNP_CRL_EXPIRED']);
    expect(await codes(await crl([], -day, day, e.roots.ask.key))).toEqual(['SNP_CRL_INVALID']);
  });
});

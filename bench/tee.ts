/**
 * `npm run bench -- tee`: TEE evidence acquisition with the simulators, and verification of that evidence
 * with the attestation/ verifiers (what `attest collect` and `verify-bundle` pay for the TEE part).
 *   start      SimulatedTdx.create (P-256 PKI + signed collateral); SimulatedAmdSp.create with the shared
 *              ARK/ASK (VCEK issuance only), with fresh RSA-4096 ARK + ASK (a cold process), and both
 *              resumed from exportState() (what a composition root that keeps the state pays)
 *   evidence   getEvidence(reportData): TD quote v4 / SNP v3 report
 *   verify     verifyDcapQuote / verifySnpReport on simulated evidence, and on real fixture evidence
 *              (dcap-qvl_tdx, trustee-az-milan-v3) when ../shared/fixtures is present
 * Baselines in the same run: one raw ECDSA P-256 / P-384 signature (the floor of quote / report generation).
 * The last stdout line is JSON.
 */
import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDcapCollateral, verifyDcapQuote } from '#attestation/dcap/index.js';
import { verifySnpReport } from '#attestation/sev-snp/index.js';
import { certsFromBlob, dcapAnchorsFromCerts, snpAnchorsFromCerts } from '#attestation/trust/index.js';
import { createAmdRoots } from '#firmware-sim/tee/amd-pki.js';
import { SimulatedAmdSp } from '#firmware-sim/tee/amd-sp.js';
import { SimulatedTdx } from '#firmware-sim/tee/tdx-module.js';
import { measure, ratio, type Stat } from './_util.js';

const rd = new Uint8Array(64).fill(0x5a);
const now = new Date();
const fixtures = process.env['AEGIS_FIXTURES'] ?? join(process.cwd(), '..', 'shared', 'fixtures');

const subtle = webcrypto.subtle;
const p256 = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
  'sign',
])) as webcrypto.CryptoKeyPair;
const p384 = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
  'sign',
])) as webcrypto.CryptoKeyPair;
const msg = new Uint8Array(632);
const signP256 = (): Promise<unknown> =>
  subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, p256.privateKey, msg);
const signP384 = (): Promise<unknown> =>
  subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, p384.privateKey, msg);
/** Baselines are measured at the start and at the end; the faster run is kept (2 shared cores are noisy). */
const faster = (a: Stat, b: Stat): Stat => (a.median_ms <= b.median_ms ? a : b);
const baseP256First = await measure(200, signP256);
const baseP384First = await measure(200, signP384);

const tdxStart = await measure(10, () => SimulatedTdx.create({ now }), 1);
const tdx = await SimulatedTdx.create({ now });
const tdxState = await tdx.exportState();
const tdxResume = await measure(10, () => SimulatedTdx.create({ now, state: tdxState }), 1);
const tdxEvidence = await measure(200, () => tdx.getEvidence(rd));
const tev = await tdx.getEvidence(rd);
const tColl = parseDcapCollateral(JSON.stringify(tev.collateral));
const tAnchors = dcapAnchorsFromCerts(certsFromBlob(Buffer.from(tdx.trustAnchor.pem), 'sim'));
const tdxVerify = await measure(100, () => {
  if (!verifyDcapQuote(tev.quote, tColl, { at: now, trustAnchors: tAnchors }).ok)
    throw new Error('sim quote did not verify');
});

process.stderr.write('bench tee: generating fresh RSA-4096 ARK + ASK (seconds each)...\n');
const coldRoots = await measure(3, () => createAmdRoots('Milan', now), 0);
const snpStart = await measure(10, () => SimulatedAmdSp.create({ now }), 1);
const sp = await SimulatedAmdSp.create({ now });
const snpState = await sp.exportState();
const snpResume = await measure(10, () => SimulatedAmdSp.create({ now, state: snpState }), 1);
const snpEvidence = await measure(200, () => sp.getEvidence(rd));
const sev = await sp.getEvidence(rd);
const sAnchors = snpAnchorsFromCerts(
  certsFromBlob(Buffer.from(sp.trustAnchors.ark.pem + sp.trustAnchors.ask.pem), 'sim'),
);
const snpVerify = await measure(100, () => {
  if (
    !verifySnpReport(sev.report, sev.vekChain?.vek ?? new Uint8Array(), { at: now, trustAnchors: sAnchors })
      .ok
  ) {
    throw new Error('sim report did not verify');
  }
});

let real: Record<string, Stat | string> = { skipped: `fixtures absent at ${fixtures}` };
const dq = join(fixtures, 'tee/dcap/dcap-qvl_tdx');
const sr = join(fixtures, 'tee/snp/trustee-az-milan-v3');
if (existsSync(dq) && existsSync(sr)) {
  const quote = new Uint8Array(readFileSync(join(dq, 'quote.bin')));
  const coll = parseDcapCollateral(readFileSync(join(dq, 'collateral.json'), 'utf8'));
  const at = new Date(
    (JSON.parse(readFileSync(join(dq, 'expected.json'), 'utf8')) as { verify_at: string }).verify_at,
  );
  const report = new Uint8Array(readFileSync(join(sr, 'report.bin')));
  const vek = new Uint8Array(readFileSync(join(sr, 'vek.der')));
  const amd = ['milan_ark.pem', 'milan_ask.pem'].flatMap((f) =>
    certsFromBlob(readFileSync(join(fixtures, 'tee/trust-anchors/amd', f)), f),
  );
  const snpAt = new Date('2026-01-01T00:00:00Z');
  real = {
    tdx_verify: await measure(100, () => verifyDcapQuote(quote, coll, { at })),
    snp_verify: await measure(100, () =>
      verifySnpReport(report, vek, { at: snpAt, trustAnchors: snpAnchorsFromCerts(amd) }),
    ),
  };
}

const baseP256 = faster(baseP256First, await measure(200, signP256));
const baseP384 = faster(baseP384First, await measure(200, signP384));
const realTdx = real['tdx_verify'];
const realSnp = real['snp_verify'];
const out = {
  bench: 'tee',
  node: process.version,
  baseline: { ecdsa_p256_sign: baseP256, ecdsa_p384_sign: baseP384 },
  tdx: {
    start: tdxStart,
    start_from_state: tdxResume,
    evidence: tdxEvidence,
    verify: tdxVerify,
    quote_bytes: tev.quote.length,
  },
  snp: {
    start_shared_roots: snpStart,
    start_from_state: snpResume,
    start_fresh_rsa4096_roots: coldRoots,
    evidence: snpEvidence,
    verify: snpVerify,
    report_bytes: sev.report.length,
  },
  real,
  ratios: {
    tdx_evidence_vs_p256_sign: ratio(tdxEvidence, baseP256),
    snp_evidence_vs_p384_sign: ratio(snpEvidence, baseP384),
    tdx_verify_sim_vs_real: typeof realTdx === 'object' ? ratio(tdxVerify, realTdx) : null,
    snp_verify_sim_vs_real: typeof realSnp === 'object' ? ratio(snpVerify, realSnp) : null,
  },
};
const rows: [string, Stat | undefined][] = [
  ['baseline ECDSA P-256 sign', baseP256],
  ['baseline ECDSA P-384 sign', baseP384],
  ['TDX simulator start', tdxStart],
  ['TDX simulator start from state', tdxResume],
  ['TDX quote + collateral (simulated)', tdxEvidence],
  ['TDX verify, simulated quote', tdxVerify],
  ['TDX verify, real fixture quote', typeof realTdx === 'object' ? realTdx : undefined],
  ['SNP simulator start (shared ARK/ASK)', snpStart],
  ['SNP simulator start from state', snpResume],
  ['SNP fresh RSA-4096 ARK + ASK', coldRoots],
  ['SNP report + VEK chain (simulated)', snpEvidence],
  ['SNP verify, simulated report', snpVerify],
  ['SNP verify, real fixture report', typeof realSnp === 'object' ? realSnp : undefined],
];
console.log('what'.padEnd(40), 'n'.padStart(5), 'median ms'.padStart(11), 'p95 ms'.padStart(11));
for (const [what, st] of rows) {
  if (st !== undefined)
    console.log(
      what.padEnd(40),
      String(st.n).padStart(5),
      st.median_ms.toFixed(3).padStart(11),
      st.p95_ms.toFixed(3).padStart(11),
    );
}
console.log(JSON.stringify(out));

/**
 * `npm run bench -- attestation`: offline verification cost of real TEE evidence.
 *   dcap      ms per DCAP quote, ours (verifyDcapQuote) and @phala/dcap-qvl 0.3.9 on the same quote and
 *             collateral in the same run, per fixture; warm (certificate / CRL parses memoised, as in a
 *             long-running verifier) and cold (memo cleared before every call)
 *             floor: the ten signature checks a DCAP verification cannot avoid (3 chain certificates + TCB
 *             Signing cert, 2 CRLs, TCB Info, QE Identity, QE report, quote), done by hand with node:crypto
 *   snp       ms per SEV-SNP report (verifySnpReport), warm and cold; baseline: the floor of the same
 *             checks done by hand with node:crypto (1 ECDSA P-384 + 3 RSA-PSS verifications)
 *   fuzz      the fast-check parser fuzz of the test suite with more runs (AEGIS_FUZZ_RUNS, default 2000)
 * Fixtures are read in place from $AEGIS_FIXTURES (default ../shared/fixtures). The last stdout line is JSON.
 */
import { constants, verify as cryptoVerify } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { verify as qvlVerify, type Collateral } from '@phala/dcap-qvl';
import {
  parseDcapCollateral,
  parseDcapQuote,
  serializeQeReport,
  verifyDcapQuote,
} from '#attestation/dcap/index.js';
import { p256KeyFromXY, verifyRawEcdsa } from '#attestation/abi-common/ecdsa.js';
import { parseCrl, parsePemChain, verifySigned } from '#attestation/abi-common/x509.js';
import { parseSnpReport, snpSignatureP1363, verifySnpReport } from '#attestation/sev-snp/index.js';
import { certsFromBlob, snpAnchorsFromCerts } from '#attestation/trust/index.js';
import { clearX509Caches, parseCert } from '#attestation/abi-common/x509.js';
import { utf8 } from '#core/bytes.js';
import { runParserFuzz } from '#tests/attestation/fuzz.js';
import { machine } from './_util.js';

const fixtures = resolve(
  process.env['AEGIS_FIXTURES'] ?? join(process.cwd(), '..', 'shared', 'fixtures'),
  'tee',
);
if (!existsSync(fixtures)) {
  console.log(JSON.stringify({ bench: 'attestation', skipped: `no fixtures at ${fixtures}` }));
  process.exit(0);
}
const iterations = Number(process.env['AEGIS_BENCH_ITER'] ?? 40);
const fuzzRuns = Number(process.env['AEGIS_FUZZ_RUNS'] ?? 2000);

/** Median ms of `n` calls after 3 warm-up calls; `before` runs untimed before each call. */
function timeMs(n: number, fn: () => unknown, before?: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] as number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

// ---- DCAP ---------------------------------------------------------------------------------------------
interface DcapRow {
  name: string;
  ours_warm_ms: number;
  ours_cold_ms: number;
  floor_ms: number;
  dcap_qvl_ms: number | null;
  dcap_qvl_result: string;
}
const dcapRows: DcapRow[] = [];
for (const name of readdirSync(join(fixtures, 'dcap')).sort()) {
  const dir = join(fixtures, 'dcap', name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { verify_at: string };
  const at = new Date(expected.verify_at);
  const quote = new Uint8Array(readFileSync(join(dir, 'quote.bin')));
  const text = readFileSync(join(dir, 'collateral.json'), 'utf8');
  const collateral = parseDcapCollateral(text);
  const raw = JSON.parse(text) as Collateral;
  const ours = (): unknown => verifyDcapQuote(quote, collateral, { at });
  let result = 'ok';
  const theirs = (): unknown => {
    try {
      return qvlVerify(Buffer.from(quote), raw, Math.floor(at.getTime() / 1000));
    } catch (e) {
      result = `error: ${(e as Error).message}`;
      return undefined;
    }
  };
  const parsed = parseDcapQuote(quote);
  const chain = parsePemChain(Buffer.from(parsed.qe.certData).toString('latin1'));
  const signing = parsePemChain(collateral.tcbInfoIssuerChain)[0];
  const [leaf, inter, root] = chain as [
    ReturnType<typeof parseCert>,
    ReturnType<typeof parseCert>,
    ReturnType<typeof parseCert>,
  ];
  const rootCrl = parseCrl(collateral.rootCaCrl);
  const pckCrl = parseCrl(collateral.pckCrl);
  const qeReport = serializeQeReport(parsed.qe);
  const floor = (): boolean => {
    const ak = p256KeyFromXY(parsed.attestationKey);
    return (
      signing !== undefined &&
      ak !== undefined &&
      verifySigned(leaf, inter.publicKey) &&
      verifySigned(inter, root.publicKey) &&
      verifySigned(root, root.publicKey) &&
      verifySigned(signing, root.publicKey) &&
      verifySigned(rootCrl, root.publicKey) &&
      verifySigned(pckCrl, inter.publicKey) &&
      verifyRawEcdsa(
        'sha256',
        utf8.encode(collateral.tcbInfo),
        signing.publicKey,
        collateral.tcbInfoSignature,
      ) &&
      verifyRawEcdsa(
        'sha256',
        utf8.encode(collateral.qeIdentity),
        signing.publicKey,
        collateral.qeIdentitySignature,
      ) &&
      verifyRawEcdsa('sha256', qeReport, leaf.publicKey, parsed.qe.qeReportSignature) &&
      verifyRawEcdsa('sha256', parsed.signedRegion, ak, parsed.signature)
    );
  };
  const warm = timeMs(iterations, ours);
  const cold = timeMs(Math.max(5, iterations / 4), ours, clearX509Caches);
  const qvlMs = timeMs(Math.max(5, iterations / 4), theirs);
  const floorMs = timeMs(iterations, floor);
  dcapRows.push({
    name,
    ours_warm_ms: r2(warm),
    ours_cold_ms: r2(cold),
    floor_ms: r2(floorMs),
    dcap_qvl_ms: r2(qvlMs),
    dcap_qvl_result: result,
  });
}
const agreeing = dcapRows.filter(
  (r) => r.dcap_qvl_result === 'ok' || r.dcap_qvl_result.includes('No matching TCB'),
);

// ---- SNP ----------------------------------------------------------------------------------------------
const amdDir = join(fixtures, 'trust-anchors', 'amd');
const anchorCerts = readdirSync(amdDir).flatMap((f) =>
  certsFromBlob(new Uint8Array(readFileSync(join(amdDir, f))), f),
);
const anchors = { certs: snpAnchorsFromCerts(anchorCerts).certs };
interface SnpRow {
  name: string;
  ours_warm_ms: number;
  ours_cold_ms: number;
  floor_ms: number;
}
const snpRows: SnpRow[] = [];
for (const name of readdirSync(join(fixtures, 'snp')).sort()) {
  const dir = join(fixtures, 'snp', name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { verify_at: string };
  const at = new Date(expected.verify_at);
  const report = new Uint8Array(readFileSync(join(dir, 'report.bin')));
  const vek = new Uint8Array(readFileSync(join(dir, 'vek.der')));
  const ours = (): unknown => verifySnpReport(report, vek, { at, trustAnchors: anchors });
  // Floor: the four signature verifications alone (report by VEK, VEK by ASK, ASK by ARK, ARK by itself).
  const vekCert = parseCert(vek);
  const ask = anchorCerts.find((c) => c.subjectKey === vekCert.issuerKey);
  const ark = anchorCerts.find((c) => ask !== undefined && c.subjectKey === ask.issuerKey);
  const parsed = parseSnpReport(report);
  const sig = snpSignatureP1363(parsed);
  const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
  const floor = (): boolean =>
    cryptoVerify('sha384', parsed.signedRegion, { key: vekCert.publicKey, dsaEncoding: 'ieee-p1363' }, sig) &&
    ask !== undefined &&
    ark !== undefined &&
    cryptoVerify('sha384', vekCert.tbs, { key: ask.publicKey, ...pss }, vekCert.signature) &&
    cryptoVerify('sha384', ask.tbs, { key: ark.publicKey, ...pss }, ask.signature) &&
    cryptoVerify('sha384', ark.tbs, { key: ark.publicKey, ...pss }, ark.signature);
  snpRows.push({
    name,
    ours_warm_ms: r2(timeMs(iterations, ours)),
    ours_cold_ms: r2(timeMs(Math.max(5, iterations / 4), ours, clearX509Caches)),
    floor_ms: r2(timeMs(iterations, floor)),
  });
}

// ---- fuzz ---------------------------------------------------------------------------------------------
const fq = join(fixtures, 'dcap', 'dcap-qvl_tdx');
const fs = join(fixtures, 'snp', 'trustee-az-milan-v3');
const fuzzStart = performance.now();
runParserFuzz(
  {
    quote: new Uint8Array(readFileSync(join(fq, 'quote.bin'))),
    collateral: parseDcapCollateral(readFileSync(join(fq, 'collateral.json'), 'utf8')),
    at: new Date('2025-07-04T10:16:31Z'),
    report: new Uint8Array(readFileSync(join(fs, 'report.bin'))),
    vek: new Uint8Array(readFileSync(join(fs, 'vek.der'))),
    snpAt: new Date('2026-01-01T00:00:00Z'),
    anchors,
  },
  20261126,
  fuzzRuns,
);
const fuzzMs = performance.now() - fuzzStart;

// ---- report -------------------------------------------------------------------------------------------
for (const r of dcapRows) {
  console.log(
    `dcap ${r.name.padEnd(30)} ours warm ${r.ours_warm_ms.toFixed(2)} ms  cold ${r.ours_cold_ms.toFixed(2)} ms  floor ${r.floor_ms.toFixed(2)} ms  dcap-qvl ${String(r.dcap_qvl_ms)} ms (${r.dcap_qvl_result})`,
  );
}
for (const r of snpRows) {
  console.log(
    `snp  ${r.name.padEnd(30)} ours warm ${r.ours_warm_ms.toFixed(2)} ms  cold ${r.ours_cold_ms.toFixed(2)} ms  floor ${r.floor_ms.toFixed(2)} ms`,
  );
}
const dcapWarm = mean(dcapRows.map((r) => r.ours_warm_ms));
const dcapCold = mean(dcapRows.map((r) => r.ours_cold_ms));
const qvlMean = mean(agreeing.map((r) => r.dcap_qvl_ms ?? 0));
const oursOnAgreeing = mean(agreeing.map((r) => r.ours_warm_ms));
const oursColdOnAgreeing = mean(agreeing.map((r) => r.ours_cold_ms));
console.log(`fuzz ${fuzzRuns} runs per property: ${(fuzzMs / 1000).toFixed(1)} s, no counterexample`);
console.log(
  JSON.stringify({
    bench: 'attestation',
    machine: machine(),
    // The 2-core machine is shared; the 1-minute load average says how much the figures are inflated.
    loadavg_1m: r2(loadavg()[0] ?? 0),
    iterations,
    dcap_ms_per_quote_ours_warm: r2(dcapWarm),
    dcap_ms_per_quote_ours_cold: r2(dcapCold),
    dcap_ms_per_quote_floor: r2(mean(dcapRows.map((r) => r.floor_ms))),
    dcap_cold_ratio_to_floor: r2(dcapCold / mean(dcapRows.map((r) => r.floor_ms))),
    dcap_ms_per_quote_dcap_qvl: r2(qvlMean),
    dcap_speedup_vs_dcap_qvl_warm: r2(qvlMean / oursOnAgreeing),
    dcap_speedup_vs_dcap_qvl_cold: r2(qvlMean / oursColdOnAgreeing),
    dcap_goal_5ms_met_warm: dcapWarm <= 5,
    dcap_goal_5ms_met_cold: dcapCold <= 5,
    snp_ms_per_report_ours_warm: r2(mean(snpRows.map((r) => r.ours_warm_ms))),
    snp_ms_per_report_ours_cold: r2(mean(snpRows.map((r) => r.ours_cold_ms))),
    snp_ms_per_report_floor: r2(mean(snpRows.map((r) => r.floor_ms))),
    snp_ratio_to_floor_warm: r2(
      mean(snpRows.map((r) => r.ours_warm_ms)) / mean(snpRows.map((r) => r.floor_ms)),
    ),
    fuzz_runs_per_property: fuzzRuns,
    fuzz_seconds: r2(fuzzMs / 1000),
    dcap: dcapRows,
    snp: snpRows,
  }),
);

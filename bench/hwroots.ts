/**
 * `npm run bench -- hwroots`: TPM latencies against a private swtpm (started here, killed at the end).
 *   unseal   unsealSeeds at start-up: CreatePrimary(SRK) + Load + StartAuthSession + PolicyPCR + Unseal + flushes,
 *            on an open connection and with connect + close around it
 *   quote    makeQuote: CreatePrimary(AK, endorsement) + Quote + PCR_Read + flush (ECC P-256 and RSA-2048),
 *            and quoteWithAk with the AK already loaded
 *   verify   verifyQuote (pure), against `tpm2_checkquote` as the peer baseline (a process per check)
 *   collect  aegis attest collect's work: simulated TDX quote + swtpm quote bound to the keys, the bundle
 *   verify-bundle  the auditor's offline check of that bundle (TDX chain to the simulator root, TPM quote, binding)
 * Baseline in the same run: one TPM2_GetRandom round trip (the transport floor). The last stdout line is JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { tpm2CheckquoteFiles } from '#attestation/tpm/tpm2-tools-files.js';
import { verifyQuote } from '#attestation/tpm/verify-quote.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { createAk, makeQuote, quoteWithAk } from '#drivers/tpm/quote-flow.js';
import { sealSeeds, unsealSeeds } from '#drivers/tpm/sealed-seeds.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, haveTpm2Tools, startSwtpm } from '#tests/drivers/tpm/swtpm.js';
import { verifyBundle } from '#attestation/bundle/verify.js';
import { writeConfig } from '#appliance/config.js';
import { collectEvidence } from '#appliance/evidence.js';
import { aegisHome, ensureHome } from '#appliance/home.js';
import { readPublicKeys, writeFileKeys } from '#crypto/key-files.js';
import { measure, ratio, type Stat } from './_util.js';

if (!haveSwtpm()) {
  console.log(JSON.stringify({ bench: 'hwroots', skipped: 'swtpm not installed' }));
} else {
  const sw = await startSwtpm('tcp');
  const work = mkdtempSync(join(tmpdir(), 'aegis-bench-hw-'));
  try {
    const tpm = new Tpm2(await openTpmTransport(sw.spec));
    const pcrs = [{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7] }];
    const nonce = new Uint8Array(32).fill(1);
    const getRandom = await measure(200, () => tpm.getRandom(16));
    const { blob } = await sealSeeds(tpm, new Uint8Array(64).fill(7), { pcrs });
    const seal = await measure(10, () => sealSeeds(tpm, new Uint8Array(64).fill(7), { pcrs }));
    const unseal = await measure(30, () => unsealSeeds(tpm, blob));
    const quoteEcc = await measure(30, () => makeQuote(tpm, { pcrs, qualifyingData: nonce }));
    const quoteRsa = await measure(10, () =>
      makeQuote(tpm, { pcrs, qualifyingData: nonce, akAlgorithm: 'rsa-2048' }),
    );
    const ak = await createAk(tpm);
    const quoteLoaded = await measure(30, () => quoteWithAk(tpm, ak, pcrs, nonce));
    await tpm.flushContext(ak.handle);
    const qEcc = await makeQuote(tpm, { pcrs, qualifyingData: nonce });
    const qRsa = await makeQuote(tpm, { pcrs, qualifyingData: nonce, akAlgorithm: 'rsa-2048' });
    await tpm.close();
    // start-up as the appliance does it: connect, unseal, disconnect (swtpm takes one client at a time)
    const unsealCold = await measure(20, async () => {
      const t = new Tpm2(await openTpmTransport(sw.spec));
      try {
        await unsealSeeds(t, blob);
      } finally {
        await t.close();
      }
    });
    // The evidence flow end to end (src/appliance/evidence.ts): simulated TDX quote + swtpm quote bound to the
    // audit keys, and the auditor's offline verify-bundle over it.
    const home = aegisHome({ AEGIS_HOME: join(work, 'home') });
    ensureHome(home, ['keys', 'evidence']);
    writeConfig(home, { tpm: sw.spec, tee: 'sim' });
    writeFileKeys(home.keys);
    const keys = readPublicKeys(home.keys);
    const collectOpts = {
      home,
      env: { AEGIS_DEVICE: 'sim' },
      keys,
      keyBackend: 'file',
      packageRoot: process.cwd(),
      version: 'bench',
    };
    const { bundle } = await collectEvidence(collectOpts);
    const collect = await measure(10, () => collectEvidence(collectOpts));
    const verifyBundleStat = await measure(30, () => {
      const v = verifyBundle(bundle, { at: new Date(), allowSimulated: true });
      if (!v.ok) throw new Error(`bundle did not verify: ${JSON.stringify(v.errors)}`);
    });
    const verifyEcc = await measure(500, () =>
      verifyQuote(qEcc, { qualifyingData: nonce, requiredPcrs: pcrs }),
    );
    const verifyRsa = await measure(500, () =>
      verifyQuote(qRsa, { qualifyingData: nonce, requiredPcrs: pcrs }),
    );
    let checkquote: Stat | undefined;
    if (haveTpm2Tools()) {
      const out = tpm2CheckquoteFiles(qEcc);
      for (const [name, bytes] of Object.entries(out.files)) writeFileSync(join(work, name), bytes);
      checkquote = await measure(20, () => {
        const r = spawnSync('tpm2_checkquote', out.args, { cwd: work, stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`tpm2_checkquote rejected our quote (files in ${work})`);
      });
    }
    const result = {
      bench: 'hwroots',
      tpm: sw.spec.replace(/:\d+$/, ':PORT'),
      baseline_get_random: getRandom,
      seal,
      unseal_at_startup: unseal,
      unseal_with_connect: unsealCold,
      quote_ecc_p256: quoteEcc,
      quote_rsa_2048: quoteRsa,
      quote_ecc_ak_loaded: quoteLoaded,
      verify_ecc: verifyEcc,
      verify_rsa: verifyRsa,
      tpm2_checkquote_process: checkquote ?? null,
      collect_bundle: collect,
      verify_bundle: verifyBundleStat,
      ratios: {
        unseal_vs_get_random: ratio(unseal, getRandom),
        quote_ecc_vs_get_random: ratio(quoteEcc, getRandom),
        quote_ecc_vs_ak_loaded: ratio(quoteEcc, quoteLoaded),
        verify_ecc_vs_tpm2_checkquote:
          checkquote === undefined ? null : Number((verifyEcc.median_ms / checkquote.median_ms).toFixed(4)),
      },
    };
    console.error('TPM latencies (ms, median / p95) against swtpm; the baseline is one GetRandom round trip');
    for (const [k, v] of Object.entries(result))
      if (typeof v === 'object' && v !== null && 'median_ms' in v)
        console.error(`  ${k.padEnd(24)} ${v.median_ms} / ${v.p95_ms}`);
    console.log(JSON.stringify(result));
  } finally {
    await sw.stop();
    if (process.env['KEEP'] === undefined) rmSync(work, { recursive: true, force: true });
  }
}

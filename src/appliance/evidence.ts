import { randomBytes } from 'node:crypto';
import { bindingDigest, qualifyingData } from '#attestation/bundle/binding.js';
import {
  BUNDLE_FORMAT,
  type BundleSnp,
  type BundleTdx,
  type EvidenceBundle,
} from '#attestation/bundle/bundle.js';
import { parsePcrSpec } from '#attestation/tpm/marshal.js';
import { quoteToJson } from '#attestation/tpm/quote-json.js';
import { makeQuote } from '#drivers/tpm/quote-flow.js';
import { fail } from '../core/errors.js';
import { toBase64, toHex } from '../core/encoding.js';
import type { JsonObject } from '../core/canonical-json.js';
import type { PublicKeyInfo } from '../crypto/signer.js';
import { readConfig } from './config.js';
import { chooseTee, openTpm, tpmLocation } from './devices.js';
import type { AegisHome } from './home.js';
import { softwareMeasurement } from './measurement.js';

/** Default PCRs: firmware (0), option ROMs (2), Secure Boot policy (7) in the SHA-256 bank. */
export const DEFAULT_PCRS = 'sha256:0,2,7';

export interface CollectOptions {
  home: AegisHome;
  env: NodeJS.ProcessEnv;
  keys: { ed25519: PublicKeyInfo; mldsa: PublicKeyInfo };
  keyBackend: string;
  nonce?: Uint8Array;
  packageRoot: string;
  version: string;
}

export interface CollectResult {
  bundle: EvidenceBundle;
  devices: { tee: string; tpm: string };
}

/**
 * The Evidence flow of DESIGN.md: probe TEE and TPM, bind the audit public keys and a nonce into
 * report_data / qualifyingData, and assemble the bundle.
 */
export async function collectEvidence(o: CollectOptions): Promise<CollectResult> {
  const nonce = o.nonce ?? new Uint8Array(randomBytes(32));
  const binding = bindingDigest(o.keys.ed25519.spki, o.keys.mldsa.spki, nonce);
  const devices = { tee: 'off', tpm: 'off' };

  let tee: BundleTdx | BundleSnp | null = null;
  const choice = await chooseTee(o.home, o.env);
  if (choice) {
    const ev = await choice.provider.getEvidence(binding);
    devices.tee = `${choice.probe.simulated ? 'simulated' : 'real'} ${ev.tee} (${choice.provider.description})`;
    const common = { simulated: ev.simulated, source: ev.source, description: choice.provider.description };
    const anchors =
      ev.simulated && choice.simulatorAnchorsPem ? { simulator_anchors_pem: choice.simulatorAnchorsPem } : {};
    if (ev.tee === 'tdx') {
      tee = {
        kind: 'tdx',
        ...common,
        quote_b64: toBase64(ev.quote),
        collateral: ev.collateral ? (ev.collateral as unknown as JsonObject) : null,
        ...anchors,
      };
    } else {
      const c = ev.vekChain;
      tee = {
        kind: 'sev-snp',
        ...common,
        report_b64: toBase64(ev.report),
        vek_chain: c
          ? {
              signer: c.signer,
              vek_b64: toBase64(c.vek),
              ...(c.ask ? { ask_b64: toBase64(c.ask) } : {}),
              ...(c.ark ? { ark_b64: toBase64(c.ark) } : {}),
            }
          : null,
        ...anchors,
      };
    }
  }

  let tpm: EvidenceBundle['tpm'] = null;
  const spec = tpmLocation(o.home, o.env);
  if (spec) {
    const t = await openTpm(spec);
    try {
      const q = await makeQuote(t, {
        pcrs: parsePcrSpec(readConfig(o.home).pcrs ?? DEFAULT_PCRS),
        qualifyingData: qualifyingData(binding),
      });
      tpm = { simulated: t.transport.simulated, description: t.transport.description, quote: quoteToJson(q) };
      devices.tpm = `${t.transport.simulated ? 'simulated' : 'real'} TPM (${t.transport.description})`;
    } finally {
      await t.close();
    }
  }
  if (!tee && !tpm)
    fail(
      'EVIDENCE_NO_DEVICE',
      'neither a TEE nor a TPM is configured: nothing can bind the keys (use --tee sim or --tpm …)',
    );
  const sw = softwareMeasurement(o.packageRoot);
  const bundle: EvidenceBundle = {
    format: BUNDLE_FORMAT,
    created: new Date().toISOString(),
    nonce: toHex(nonce),
    keys: {
      ed25519_spki_b64: toBase64(o.keys.ed25519.spki),
      ml_dsa_65_spki_b64: toBase64(o.keys.mldsa.spki),
      backend: o.keyBackend,
      ed25519: o.keys.ed25519.fingerprint,
      ml_dsa_65: o.keys.mldsa.fingerprint,
    },
    binding: toHex(binding),
    software: { name: 'aegis-t3', version: o.version, measurement: sw.measurement },
    tee,
    tpm,
  };
  return { bundle, devices };
}

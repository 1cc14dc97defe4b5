import { readFileSync, statSync } from 'node:fs';
import { parseDcapQuote } from '#attestation/dcap/quote.js';
import { parseBundle, type EvidenceBundle } from '#attestation/bundle/bundle.js';
import { parseSnpReport, snpPolicyDebug } from '#attestation/sev-snp/report.js';
import { tdIsDebug } from '#attestation/tdx/td-report-body.js';
import type { HwMetricSource, HwProbeEntry, HwValues } from '../../device/hw-metrics.js';
import { bytesEqual } from '#core/bytes.js';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { policyPcrDigest } from '#attestation/tpm/pcr-values.js';
import { parseSealedBlob, type SealedBlob } from '#drivers/tpm/sealed-blob.js';
import type { Tpm2 } from '#drivers/tpm/tpm2.js';
import { openTpm } from '../devices.js';

/**
 * The platform's roots as band sources: the TPM's clock (TPM2_ReadClock: resetCount, restartCount, safe; TCG TPM 2.0
 * Part 3 §29.1) and the current evidence bundle ($AEGIS_HOME/evidence/current.json: TEE kind, debug, simulated, age).
 * Both are gauges that move rarely; the TPM is asked in the background every TPM_POLL_MS (a connection is held only
 * for the command, so `aegis attest` and key unsealing are never blocked), and `read()` returns the last answer.
 */

const TPM_POLL_MS = 5000;
const BUNDLE_RECHECK_MS = 5000;

export interface PolledSource extends HwMetricSource {
  /** Resolves once the first sample was taken (or failed). */
  ready(): Promise<void>;
  close(): void;
}

/**
 * Would the sealed keys unseal now: the PolicyPCR digest of the current values of the blob's PCRs (Part 3 §23.7)
 * against the sealed object's authPolicy. The session hash is the one whose digest size the policy has.
 */
async function sealedPolicyHolds(tpm: Tpm2, blob: SealedBlob): Promise<boolean> {
  const alg =
    blob.policyDigest.length === 48
      ? TPM_ALG.SHA384
      : blob.policyDigest.length === 64
        ? TPM_ALG.SHA512
        : TPM_ALG.SHA256;
  const values = await tpm.pcrRead(blob.pcrs);
  return bytesEqual(policyPcrDigest(alg, blob.pcrs, values), blob.policyDigest);
}

export function tpmClockSource(spec: string, sealedBlobPath?: string): PolledSource {
  let last: HwValues | undefined;
  let why = 'not read yet';
  let timer: NodeJS.Timeout | undefined;
  /** The home's sealed-key file, when the keys are sealed in this TPM (read once; it changes only with the keys). */
  let blobCache: SealedBlob | null | undefined;
  const sealedBlob = (): SealedBlob | undefined => {
    if (blobCache === undefined) {
      try {
        blobCache =
          sealedBlobPath === undefined ? null : parseSealedBlob(new Uint8Array(readFileSync(sealedBlobPath)));
      } catch {
        blobCache = null; // file keys, or no keys yet: no policy to check
      }
    }
    return blobCache ?? undefined;
  };
  const sample = async (): Promise<void> => {
    try {
      const tpm = await openTpm(spec);
      try {
        const c = (await tpm.readClock()).clockInfo;
        const next: HwValues = {
          tpm_reset_count: c.resetCount,
          tpm_restart_count: c.restartCount,
          tpm_clock_safe: c.safe ? 1 : 0,
        };
        const blob = sealedBlob();
        if (blob !== undefined) next.tpm_policy_ok = (await sealedPolicyHolds(tpm, blob)) ? 1 : 0;
        last = next;
      } finally {
        await tpm.close();
      }
    } catch (e) {
      last = undefined; // a TPM that stops answering is unavailable, not "unchanged"
      why = e instanceof Error ? e.message.slice(0, 120) : 'TPM error';
    }
  };
  const first = sample().then(() => {
    timer = setInterval(() => void sample(), TPM_POLL_MS);
    timer.unref();
  });
  return {
    name: 'tpm',
    ready: () => first,
    close: () => clearInterval(timer),
    probe(): readonly HwProbeEntry[] {
      return (['tpm_reset_count', 'tpm_restart_count', 'tpm_clock_safe', 'tpm_policy_ok'] as const).map(
        (metric) =>
          last?.[metric] === undefined
            ? {
                metric,
                available: false,
                reason: last === undefined ? why : 'the audit keys are not sealed in this TPM',
              }
            : { metric, available: true },
      );
    },
    read: () => ({ ...last }),
  };
}

function teeDebug(b: EvidenceBundle): boolean | undefined {
  const tee = b.tee;
  if (tee === null) return undefined;
  if (tee.kind === 'sev-snp') return snpPolicyDebug(parseSnpReport(Buffer.from(tee.report_b64, 'base64')));
  const q = parseDcapQuote(Buffer.from(tee.quote_b64, 'base64'));
  return q.body.kind === 'sgx' ? undefined : tdIsDebug(q.body.report);
}

/** The current evidence bundle's TEE facts; re-read when the file changes (checked at most every 5 s). */
export function evidenceSource(path: string, now: () => number = Date.now): HwMetricSource {
  let checked = 0;
  let mtime = -1;
  let facts: HwValues | undefined;
  let created = 0;
  let why = 'no evidence bundle';
  function refresh(): void {
    if (now() - checked < BUNDLE_RECHECK_MS && checked !== 0) return;
    checked = now();
    let m: number;
    try {
      m = statSync(path).mtimeMs;
    } catch {
      facts = undefined;
      why = `no evidence bundle at ${path}`;
      return;
    }
    if (m === mtime) return;
    mtime = m;
    try {
      const b = parseBundle(JSON.parse(readFileSync(path, 'utf8')));
      created = Date.parse(b.created);
      const debug = teeDebug(b);
      facts =
        b.tee === null
          ? undefined
          : {
              tee_simulated: b.tee.simulated ? 1 : 0,
              ...(debug === undefined ? {} : { tee_debug: debug ? 1 : 0 }),
            };
      if (facts === undefined) why = 'the evidence bundle has no TEE evidence';
    } catch (e) {
      facts = undefined;
      why = `evidence bundle unreadable (${e instanceof Error ? e.message.slice(0, 80) : 'error'})`;
    }
  }
  return {
    name: 'evidence',
    probe(): readonly HwProbeEntry[] {
      refresh();
      return (['tee_debug', 'tee_simulated', 'tee_evidence_age_s'] as const).map((metric) =>
        facts === undefined ? { metric, available: false, reason: why } : { metric, available: true },
      );
    },
    read(): HwValues {
      refresh();
      return facts === undefined
        ? {}
        : { ...facts, tee_evidence_age_s: Math.max(0, (now() - created) / 1000) };
    },
  };
}

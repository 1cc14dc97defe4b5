import { fail, isAegisError } from '#core/errors.js';
import { TPM_RH } from '#attestation/tpm/constants.js';
import { normalizeSelection, type PcrSelection } from '#attestation/tpm/marshal.js';
import { parsePublic, type TpmtPublic } from '#attestation/tpm/public.js';
import { akEccTemplate, akRsaTemplate } from '#attestation/tpm/templates.js';
import { verifyQuote, type TpmQuote } from '#attestation/tpm/verify-quote.js';
import type { Tpm2 } from './tpm2.js';

export type AkAlgorithm = 'ecc-p256' | 'rsa-2048';

export interface LoadedAk {
  handle: number;
  public: TpmtPublic;
  name: Uint8Array;
}

/**
 * The attestation key: a restricted signing key created as a primary object in the ENDORSEMENT hierarchy
 * (TPM_RH_ENDORSEMENT). Two reasons: (1) quotes by keys outside the endorsement and platform hierarchies carry
 * obfuscated resetCount / restartCount / firmwareVersion (TCG Part 3 §18.1), which would defeat replay
 * checks; (2) a primary is re-derived from the endorsement seed, so the same template gives the same AK
 * after every boot without storing anything, and survives owner-hierarchy clears.
 */
export async function createAk(tpm: Tpm2, alg: AkAlgorithm = 'ecc-p256'): Promise<LoadedAk> {
  const r = await tpm.createPrimary(
    TPM_RH.ENDORSEMENT,
    alg === 'ecc-p256' ? akEccTemplate() : akRsaTemplate(),
  );
  return { handle: r.objectHandle, public: r.outPublic, name: r.name };
}

/**
 * TPM2_Quote over `pcrs` with `qualifyingData`, plus the PCR values the digest covers. PCRs are read after
 * the quote; if one was extended in between the local check fails and we quote again (up to 3 times).
 */
export async function quoteWithAk(
  tpm: Tpm2,
  ak: LoadedAk,
  pcrs: PcrSelection[],
  qualifyingData: Uint8Array,
): Promise<TpmQuote> {
  const sel = normalizeSelection(pcrs);
  for (let attempt = 0; ; attempt++) {
    const res = await tpm.quote(ak.handle, qualifyingData, sel);
    const pcrValues = await tpm.pcrRead(sel);
    const quote: TpmQuote = {
      attest: res.quoted,
      signature: res.signatureBytes,
      akPublic: ak.public,
      pcrValues,
    };
    try {
      verifyQuote(quote, { qualifyingData });
      return quote;
    } catch (e) {
      if (!isAegisError(e, 'TPM_QUOTE_PCR_DIGEST_MISMATCH') || attempt >= 2) throw e;
    }
  }
}

/** Creates the AK, quotes, flushes the AK. */
export async function makeQuote(
  tpm: Tpm2,
  opts: { pcrs: PcrSelection[]; qualifyingData: Uint8Array; akAlgorithm?: AkAlgorithm },
): Promise<TpmQuote> {
  if (opts.qualifyingData.length > 64) fail('USAGE', 'qualifyingData is at most 64 bytes (TPM2B_DATA)');
  const ak = await createAk(tpm, opts.akAlgorithm);
  try {
    return await quoteWithAk(tpm, ak, opts.pcrs, opts.qualifyingData);
  } finally {
    await tpm.flushQuietly(ak.handle);
  }
}

/** Re-parses an AK public area given as TPMT_PUBLIC bytes. */
export function akFromBytes(b: Uint8Array): TpmtPublic {
  return parsePublic(b, 'AK public area');
}

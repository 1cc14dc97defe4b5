import { bytesEqual } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { parseQuoteAttest, type TpmsAttestQuote } from './attest.js';
import type { ClockInfo } from './clock-info.js';
import { TPM_ALG, TPMA_OBJECT as A } from './constants.js';
import type { PcrSelection } from './marshal.js';
import { pcrCompositeDigest, type PcrValue } from './pcr-values.js';
import { objectName, type TpmtPublic } from './public.js';
import { parseSignature, verifySignature } from './signature.js';

/** A TPM quote as carried in evidence: the signed TPMS_ATTEST, its TPMT_SIGNATURE, the AK and the PCR values. */
export interface TpmQuote {
  attest: Uint8Array;
  signature: Uint8Array;
  akPublic: TpmtPublic;
  pcrValues: PcrValue[];
}

export interface QuoteExpectations {
  /** The qualifyingData the verifier asked for (DESIGN.md: first 32 bytes of the binding digest). */
  qualifyingData: Uint8Array;
  /** PCRs the quote must cover (each listed PCR must be in the quote's selection). */
  requiredPcrs?: readonly PcrSelection[];
  /**
   * The newest clockInfo this verifier has already accepted from the same AK. A quote whose
   * (resetCount, restartCount, clock) is not strictly later is a replay.
   */
  previous?: ClockInfo;
  /**
   * The Name (nameAlg ‖ H(TPMT_PUBLIC)) of the AK the verifier trusts, e.g. from the log's genesis record. Without it
   * the quote proves only that *some* TPM-resident restricted key signed it.
   */
  akName?: Uint8Array;
}

export interface VerifiedQuote {
  attest: TpmsAttestQuote;
  /** The PCR values that the signed digest covers, in selection order. */
  pcrs: PcrValue[];
}

/**
 * Verifies a TPM2_Quote (TCG TPM 2.0 Library Part 3 §18.4; checks as in Part 1 §36.5, "Attestation"):
 * AK attributes and pin → structure → signature over TPMS_ATTEST → extraData = qualifyingData → PCR selection →
 * pcrDigest = H_sig(PCR values) → clock and reset counters against the last accepted quote.
 * Pure: no device, no clock, no file system.
 */
export function verifyQuote(q: TpmQuote, exp: QuoteExpectations): VerifiedQuote {
  const ak = q.akPublic;
  const need = A.fixedTPM | A.restricted | A.sign;
  if (
    ak.type === TPM_ALG.KEYEDHASH ||
    (ak.objectAttributes & need) !== need ||
    (ak.objectAttributes & A.decrypt) !== 0
  )
    fail(
      'TPM_AK_NOT_RESTRICTED',
      'the attestation key is not a fixedTPM restricted signing key, so its quotes prove nothing',
    );

  if (exp.akName !== undefined && !bytesEqual(objectName(ak), exp.akName))
    fail('TPM_AK_NOT_TRUSTED', 'the quote is signed by an attestation key other than the pinned one');

  const attest = parseQuoteAttest(q.attest);
  const sig = parseSignature(q.signature);
  if (!verifySignature(ak, q.attest, sig))
    fail('TPM_QUOTE_SIGNATURE_INVALID', 'the quote signature does not verify with the given attestation key');

  if (!bytesEqual(attest.extraData, exp.qualifyingData))
    fail('TPM_QUOTE_NONCE_MISMATCH', 'the quote was made for another qualifyingData (wrong or stale nonce)');

  for (const req of exp.requiredPcrs ?? []) {
    const bank = attest.pcrSelect.find((b) => b.hash === req.hash);
    const missing = req.pcrs.filter((p) => bank === undefined || !bank.pcrs.includes(p));
    if (missing.length > 0)
      fail(
        'TPM_QUOTE_PCR_SELECTION_MISMATCH',
        `the quote does not cover required PCRs ${missing.join(',')} of bank 0x${req.hash.toString(16)}`,
      );
  }

  const digest = pcrCompositeDigest(sig.hash, attest.pcrSelect, q.pcrValues);
  if (!bytesEqual(digest, attest.pcrDigest))
    fail('TPM_QUOTE_PCR_DIGEST_MISMATCH', 'the PCR values given do not hash to the digest the TPM signed');

  if (exp.previous !== undefined && !isLater(attest.clockInfo, exp.previous)) {
    fail(
      'TPM_QUOTE_REPLAYED',
      'the quote is not newer than one already accepted (reset, restart or clock counter went back)',
      {
        resetCount: attest.clockInfo.resetCount,
        restartCount: attest.clockInfo.restartCount,
        clock: attest.clockInfo.clock.toString(),
      },
    );
  }

  const pcrs: PcrValue[] = [];
  for (const bank of attest.pcrSelect)
    for (const index of bank.pcrs) {
      const v = q.pcrValues.find((x) => x.hash === bank.hash && x.index === index);
      if (v !== undefined) pcrs.push(v);
    }
  return { attest, pcrs };
}

/**
 * (resetCount, restartCount, clock) strictly later than `prev`. Counters are meaningful only for AKs in the
 * endorsement or platform hierarchy: for other keys the TPM obfuscates resetCount, restartCount and
 * firmwareVersion (Part 3 §18.1), which is why our AK lives under TPM_RH_ENDORSEMENT.
 */
export function isLater(cur: ClockInfo, prev: ClockInfo): boolean {
  if (cur.resetCount !== prev.resetCount) return cur.resetCount > prev.resetCount;
  if (cur.restartCount !== prev.restartCount) return cur.restartCount > prev.restartCount;
  return cur.clock > prev.clock;
}

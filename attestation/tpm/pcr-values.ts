import { createHash } from 'node:crypto';
import { fail } from '#core/errors.js';
import { ByteWriter } from '#core/bytes.js';
import { HASH_NAME, TPM_CC } from './constants.js';
import { digestSize, marshalPcrSelection, type PcrSelection } from './marshal.js';

/** One PCR value of one bank. */
export interface PcrValue {
  hash: number;
  index: number;
  value: Uint8Array;
}

function hasher(hash: number): ReturnType<typeof createHash> {
  const n = HASH_NAME[hash];
  if (n === undefined) fail('TPM_ALG_UNSUPPORTED', `hash algorithm 0x${hash.toString(16)} is not supported`);
  return createHash(n);
}

/**
 * The PCR values named by `selection`, in the order a TPM concatenates them: banks in selection order,
 * PCR indexes ascending within a bank (Part 1 §17.6.8 / Part 3 §18.4 and §23.7).
 */
export function selectPcrValues(
  selection: readonly PcrSelection[],
  values: readonly PcrValue[],
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const bank of selection) {
    for (const index of [...bank.pcrs].sort((a, b) => a - b)) {
      const v = values.find((x) => x.hash === bank.hash && x.index === index);
      if (v === undefined)
        fail(
          'TPM_PCR_VALUES_MISSING',
          `no value given for PCR ${index} of bank 0x${bank.hash.toString(16)}`,
          { index },
        );
      if (v.value.length !== digestSize(bank.hash))
        fail('TPM_PCR_VALUES_MISSING', `PCR ${index} value has the wrong size for its bank`, { index });
      out.push(v.value);
    }
  }
  return out;
}

/** H_alg(PCR[sel0] ‖ PCR[sel1] ‖ …): the pcrDigest of TPMS_QUOTE_INFO and of TPM2_PolicyPCR. */
export function pcrCompositeDigest(
  hash: number,
  selection: readonly PcrSelection[],
  values: readonly PcrValue[],
): Uint8Array {
  const h = hasher(hash);
  for (const v of selectPcrValues(selection, values)) h.update(v);
  return new Uint8Array(h.digest());
}

/**
 * The policyDigest a trial session holds after TPM2_PolicyPCR (Part 3 §23.7.1):
 *   policyDigest_new := H(policyDigest_old ‖ TPM_CC_PolicyPCR ‖ pcrs ‖ digestTPM)
 * with digestTPM = H(selected PCR values) and the session's hash algorithm for both.
 */
export function policyPcrDigest(
  sessionHash: number,
  selection: readonly PcrSelection[],
  values: readonly PcrValue[],
  previous: Uint8Array = new Uint8Array(digestSize(sessionHash)),
): Uint8Array {
  const pcrDigest = pcrCompositeDigest(sessionHash, selection, values);
  const h = hasher(sessionHash);
  h.update(previous);
  h.update(new ByteWriter().u32be(TPM_CC.PolicyPCR).finish());
  h.update(marshalPcrSelection(selection));
  h.update(pcrDigest);
  return new Uint8Array(h.digest());
}

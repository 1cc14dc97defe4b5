import { concatBytes } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { nvRead, nvReadPublic, parseNvRead, parseNvReadPublic } from '#attestation/tpm/commands/nv.js';
import type { Tpm2 } from './tpm2.js';

/** Bytes per TPM2_NV_Read: TPM_PT_NV_BUFFER_MAX is at least 512 on PC Client TPMs. */
const CHUNK = 512;

/**
 * Reads an EK certificate from its NV index (EK_CERT_NV_INDEX). The index may be padded with zeros after the DER
 * certificate, so the result is cut to the DER length. TPM_RC_HANDLE if the TPM has no certificate there.
 */
export async function readEkCertificate(tpm: Tpm2, nvIndex: number): Promise<Uint8Array> {
  const { nvPublic } = parseNvReadPublic(await tpm.run(nvReadPublic(nvIndex)));
  const parts: Uint8Array[] = [];
  for (let off = 0; off < nvPublic.dataSize; off += CHUNK) {
    parts.push(parseNvRead(await tpm.run(nvRead(nvIndex, Math.min(CHUNK, nvPublic.dataSize - off), off))));
  }
  const all = concatBytes(...parts);
  // DER SEQUENCE with a long-form length: 30 82 hi lo
  if (all[0] !== 0x30 || all[1] !== 0x82)
    fail('TPM_EK_CERT_INVALID', `NV index 0x${nvIndex.toString(16)} does not hold a DER certificate`);
  const len = 4 + (((all[2] as number) << 8) | (all[3] as number));
  if (len > all.length) fail('TPM_EK_CERT_INVALID', 'the EK certificate in NV is truncated');
  return all.subarray(0, len);
}

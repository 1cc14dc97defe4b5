import { fail } from '#core/errors.js';
import { fromBase64, fromHex, toBase64, toHex } from '#core/encoding.js';
import { HASH_BY_NAME, HASH_NAME } from './constants.js';
import { digestSize } from './marshal.js';
import type { PcrValue } from './pcr-values.js';
import { marshalPublic2b, parsePublic, parsePublic2b } from './public.js';
import type { TpmQuote } from './verify-quote.js';

/**
 * The JSON form of a TPM quote inside an evidence bundle (the `tpm` member):
 *   { quote_attest_b64: TPMS_ATTEST, quote_sig_b64: TPMT_SIGNATURE, ak_public_b64: TPM2B_PUBLIC,
 *     pcrs: { sha256: { "0": "<hex>", … }, … } }
 * All binary fields are TPM-marshalled (big-endian) exactly as the TPM produced them, base64 (RFC 4648 §4).
 */
export interface TpmQuoteJson {
  quote_attest_b64: string;
  quote_sig_b64: string;
  ak_public_b64: string;
  pcrs: Record<string, Record<string, string>>;
}

export function quoteToJson(q: TpmQuote): TpmQuoteJson {
  const pcrs: Record<string, Record<string, string>> = {};
  for (const v of q.pcrValues) {
    const bank = HASH_NAME[v.hash] ?? `0x${v.hash.toString(16)}`;
    (pcrs[bank] ??= {})[String(v.index)] = toHex(v.value);
  }
  return {
    quote_attest_b64: toBase64(q.attest),
    quote_sig_b64: toBase64(q.signature),
    ak_public_b64: toBase64(marshalPublic2b(q.akPublic)),
    pcrs,
  };
}

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail('TPM_QUOTE_JSON_INVALID', `tpm.${k} must be a string`);
  return v;
}

/** Parses the `tpm` member; the AK may be a TPM2B_PUBLIC (as tpm2-tools writes ak.pub) or a bare TPMT_PUBLIC. */
export function quoteFromJson(v: unknown): TpmQuote {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail('TPM_QUOTE_JSON_INVALID', 'tpm must be an object');
  const o = v as Record<string, unknown>;
  const attest = fromBase64(str(o, 'quote_attest_b64'), 'tpm.quote_attest_b64');
  const signature = fromBase64(str(o, 'quote_sig_b64'), 'tpm.quote_sig_b64');
  const akBytes = fromBase64(str(o, 'ak_public_b64'), 'tpm.ak_public_b64');
  const sized =
    akBytes.length >= 2 && ((akBytes[0] as number) << 8) + (akBytes[1] as number) === akBytes.length - 2;
  const akPublic = sized ? parsePublic2b(akBytes) : parsePublic(akBytes);
  const banks = o['pcrs'];
  if (typeof banks !== 'object' || banks === null || Array.isArray(banks))
    fail('TPM_QUOTE_JSON_INVALID', 'tpm.pcrs must be an object');
  const pcrValues: PcrValue[] = [];
  for (const [bank, entries] of Object.entries(banks as Record<string, unknown>)) {
    const hash = HASH_BY_NAME[bank];
    if (hash === undefined) fail('TPM_QUOTE_JSON_INVALID', `tpm.pcrs: unknown bank "${bank}"`);
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
      fail('TPM_QUOTE_JSON_INVALID', `tpm.pcrs.${bank} must be an object`);
    for (const [idx, hex] of Object.entries(entries as Record<string, unknown>)) {
      const index = Number(idx);
      if (!/^\d+$/.test(idx) || index > 23)
        fail('TPM_QUOTE_JSON_INVALID', `tpm.pcrs.${bank}: "${idx}" is not a PCR index`);
      if (typeof hex !== 'string') fail('TPM_QUOTE_JSON_INVALID', `tpm.pcrs.${bank}.${idx} must be hex`);
      const value = fromHex(hex, `tpm.pcrs.${bank}.${idx}`);
      if (value.length !== digestSize(hash))
        fail('TPM_QUOTE_JSON_INVALID', `tpm.pcrs.${bank}.${idx} has the wrong length`);
      pcrValues.push({ hash, index, value });
    }
  }
  return { attest, signature, akPublic, pcrValues };
}

import { ByteReader, ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { getClockInfo, type ClockInfo } from './clock-info.js';
import { TPM_GENERATED_VALUE, TPM_ST } from './constants.js';
import { getPcrSelection, getTpm2b, putPcrSelection, putTpm2b, type PcrSelection } from './marshal.js';

/**
 * TPMS_ATTEST (Part 2 §10.12.12) with TPMS_QUOTE_INFO (§10.12.4) as the attested member:
 *   magic ‖ type ‖ qualifiedSigner ‖ extraData ‖ clockInfo ‖ firmwareVersion ‖ attested
 */
export interface TpmsAttestQuote {
  magic: number;
  type: typeof TPM_ST.ATTEST_QUOTE;
  /** Qualified Name of the signing key (Part 1 §16). */
  qualifiedSigner: Uint8Array;
  /** The caller's qualifyingData, echoed. */
  extraData: Uint8Array;
  clockInfo: ClockInfo;
  firmwareVersion: bigint;
  pcrSelect: PcrSelection[];
  /** H_sign(PCR values in selection order), with the signing scheme's hash. */
  pcrDigest: Uint8Array;
}

/**
 * Parses a quote's TPMS_ATTEST. Only structure is checked here (magic, type, exact length); meaning is
 * checked by verifyQuote.
 */
export function parseQuoteAttest(buf: Uint8Array): TpmsAttestQuote {
  const r = new ByteReader(buf, 'TPMS_ATTEST');
  const magic = r.u32be('magic');
  if (magic !== TPM_GENERATED_VALUE)
    fail(
      'TPM_ATTEST_MAGIC_INVALID',
      `TPMS_ATTEST magic is 0x${magic.toString(16)}, not TPM_GENERATED_VALUE: not made by a TPM`,
    );
  const type = r.u16be('type');
  if (type !== TPM_ST.ATTEST_QUOTE)
    fail('TPM_ATTEST_TYPE_INVALID', `TPMS_ATTEST type 0x${type.toString(16)} is not TPM_ST_ATTEST_QUOTE`);
  const qualifiedSigner = getTpm2b(r, 'qualifiedSigner');
  const extraData = getTpm2b(r, 'extraData');
  const clockInfo = getClockInfo(r);
  const firmwareVersion = r.u64be('firmwareVersion');
  const pcrSelect = getPcrSelection(r, 'attested.quote.pcrSelect');
  const pcrDigest = getTpm2b(r, 'attested.quote.pcrDigest');
  if (r.remaining !== 0) fail('TPM_MARSHAL_INVALID', `TPMS_ATTEST: ${r.remaining} trailing bytes`);
  return {
    magic,
    type: TPM_ST.ATTEST_QUOTE,
    qualifiedSigner,
    extraData,
    clockInfo,
    firmwareVersion,
    pcrSelect,
    pcrDigest,
  };
}

/** Marshals a quote's TPMS_ATTEST (the inverse of parseQuoteAttest; used by tests and simulators). */
export function marshalQuoteAttest(
  a: Omit<TpmsAttestQuote, 'magic' | 'type'> & { magic?: number; type?: number },
): Uint8Array {
  const w = new ByteWriter().u32be(a.magic ?? TPM_GENERATED_VALUE).u16be(a.type ?? TPM_ST.ATTEST_QUOTE);
  putTpm2b(w, a.qualifiedSigner);
  putTpm2b(w, a.extraData);
  w.u64be(a.clockInfo.clock)
    .u32be(a.clockInfo.resetCount)
    .u32be(a.clockInfo.restartCount)
    .u8(a.clockInfo.safe ? 1 : 0);
  w.u64be(a.firmwareVersion);
  putPcrSelection(w, a.pcrSelect);
  putTpm2b(w, a.pcrDigest);
  return w.finish();
}

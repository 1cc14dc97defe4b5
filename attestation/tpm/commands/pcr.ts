import { ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import {
  EMPTY_PASSWORD,
  encodeCommand,
  expectEnd,
  paramReader,
  type TpmCommand,
  type TpmResponse,
} from '../command.js';
import { TPM_CC } from '../constants.js';
import {
  digestSize,
  getDigestList,
  getPcrSelection,
  marshalPcrSelection,
  type PcrSelection,
} from '../marshal.js';

/** TPM2_PCR_Read (Part 3 §22.4). A TPM returns at most 8 digests per call; the caller loops on pcrSelectionOut. */
export function pcrRead(selection: readonly PcrSelection[]): TpmCommand {
  return encodeCommand(TPM_CC.PCR_Read, [], [], marshalPcrSelection(selection));
}

export interface PcrReadResult {
  pcrUpdateCounter: number;
  pcrSelectionOut: PcrSelection[];
  pcrValues: Uint8Array[];
}

export function parsePcrRead(resp: TpmResponse): PcrReadResult {
  const r = paramReader(resp, 'PCR_Read');
  const pcrUpdateCounter = r.u32be('pcrUpdateCounter');
  const pcrSelectionOut = getPcrSelection(r, 'pcrSelectionOut');
  const pcrValues = getDigestList(r, 'pcrValues');
  expectEnd(r, 'PCR_Read');
  return { pcrUpdateCounter, pcrSelectionOut, pcrValues };
}

/** TPMT_HA (Part 2 §10.3.2): hashAlg ‖ digest of that algorithm's size. */
export interface TaggedDigest {
  hashAlg: number;
  digest: Uint8Array;
}

/** TPM2_PCR_Extend (Part 3 §22.2): PCR[i] := H(PCR[i] ‖ digest) for each bank given. Needs the PCR's auth (empty). */
export function pcrExtend(pcrHandle: number, digests: readonly TaggedDigest[]): TpmCommand {
  const w = new ByteWriter().u32be(digests.length);
  for (const d of digests) {
    if (d.digest.length !== digestSize(d.hashAlg))
      fail('TPM_MARSHAL_INVALID', `PCR_Extend digest has the wrong size for its algorithm`);
    w.u16be(d.hashAlg).bytes(d.digest);
  }
  return encodeCommand(TPM_CC.PCR_Extend, [pcrHandle], [EMPTY_PASSWORD], w.finish());
}

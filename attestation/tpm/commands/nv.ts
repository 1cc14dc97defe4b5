import { ByteWriter } from '#core/bytes.js';
import {
  EMPTY_PASSWORD,
  encodeCommand,
  expectEnd,
  paramReader,
  type TpmCommand,
  type TpmResponse,
} from '../command.js';
import { TPM_CC } from '../constants.js';
import { getTpm2b } from '../marshal.js';

/** TPMS_NV_PUBLIC (Part 2 §13.5). */
export interface NvPublic {
  nvIndex: number;
  nameAlg: number;
  attributes: number;
  authPolicy: Uint8Array;
  dataSize: number;
}

/** TPM2_NV_ReadPublic (Part 3 §31.6). */
export function nvReadPublic(nvIndex: number): TpmCommand {
  return encodeCommand(TPM_CC.NV_ReadPublic, [nvIndex], [], new Uint8Array(0));
}

export function parseNvReadPublic(resp: TpmResponse): { nvPublic: NvPublic; nvName: Uint8Array } {
  const r = paramReader(resp, 'NV_ReadPublic');
  const size = r.u16be('nvPublic.size');
  const start = r.offset;
  const nvPublic: NvPublic = {
    nvIndex: r.u32be('nvIndex'),
    nameAlg: r.u16be('nameAlg'),
    attributes: r.u32be('attributes'),
    authPolicy: getTpm2b(r, 'authPolicy'),
    dataSize: r.u16be('dataSize'),
  };
  if (r.offset - start !== size) r.skip(size - (r.offset - start), 'nvPublic');
  const nvName = getTpm2b(r, 'nvName');
  expectEnd(r, 'NV_ReadPublic');
  return { nvPublic, nvName };
}

/**
 * TPM2_NV_Read (Part 3 §31.13) authorized by the index itself with its (empty) authValue, which EK certificate
 * indices allow (TPMA_NV_AUTHREAD). A TPM reads at most TPM_PT_NV_BUFFER_MAX bytes (1024 or more) per call.
 */
export function nvRead(nvIndex: number, size: number, offset: number): TpmCommand {
  return encodeCommand(
    TPM_CC.NV_Read,
    [nvIndex, nvIndex],
    [EMPTY_PASSWORD],
    new ByteWriter().u16be(size).u16be(offset).finish(),
  );
}

export function parseNvRead(resp: TpmResponse): Uint8Array {
  const r = paramReader(resp, 'NV_Read');
  const data = getTpm2b(r, 'data');
  expectEnd(r, 'NV_Read');
  return data;
}

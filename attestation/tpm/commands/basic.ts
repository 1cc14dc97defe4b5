import { ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { getClockInfo, type ClockInfo } from '../clock-info.js';
import { encodeCommand, expectEnd, paramReader, type TpmCommand, type TpmResponse } from '../command.js';
import { TPM_CAP, TPM_CC } from '../constants.js';
import { getPcrSelection, getTpm2b, type PcrSelection } from '../marshal.js';

/** TPM2_Startup (Part 3 §9.3): startupType TPM_SU_CLEAR or TPM_SU_STATE. */
export function startup(startupType: number): TpmCommand {
  return encodeCommand(TPM_CC.Startup, [], [], new ByteWriter().u16be(startupType).finish());
}

/** TPM2_Shutdown (Part 3 §9.4). */
export function shutdown(shutdownType: number): TpmCommand {
  return encodeCommand(TPM_CC.Shutdown, [], [], new ByteWriter().u16be(shutdownType).finish());
}

/** TPM2_GetRandom (Part 3 §16.1): up to the size of the largest digest per call. */
export function getRandom(bytesRequested: number): TpmCommand {
  return encodeCommand(TPM_CC.GetRandom, [], [], new ByteWriter().u16be(bytesRequested).finish());
}

export function parseGetRandom(resp: TpmResponse): Uint8Array {
  const r = paramReader(resp, 'GetRandom');
  const b = getTpm2b(r, 'randomBytes');
  expectEnd(r, 'GetRandom');
  return b;
}

/** TPM2_GetCapability (Part 3 §30.2). */
export function getCapability(capability: number, property: number, propertyCount: number): TpmCommand {
  const p = new ByteWriter().u32be(capability).u32be(property).u32be(propertyCount).finish();
  return encodeCommand(TPM_CC.GetCapability, [], [], p);
}

/** TPMS_CAPABILITY_DATA for the capabilities we read (Part 2 §10.10.2). */
export type CapabilityData =
  | { capability: typeof TPM_CAP.TPM_PROPERTIES; properties: { property: number; value: number }[] }
  | { capability: typeof TPM_CAP.PCRS; pcrs: PcrSelection[] }
  | { capability: typeof TPM_CAP.HANDLES; handles: number[] }
  | { capability: typeof TPM_CAP.ALGS; algs: { alg: number; attributes: number }[] };

export function parseGetCapability(resp: TpmResponse): { moreData: boolean; data: CapabilityData } {
  const r = paramReader(resp, 'GetCapability');
  const moreData = r.u8('moreData') !== 0;
  const capability = r.u32be('capability');
  let data: CapabilityData;
  switch (capability) {
    case TPM_CAP.TPM_PROPERTIES: {
      const n = r.u32be('count');
      const properties: { property: number; value: number }[] = [];
      for (let i = 0; i < n; i++) properties.push({ property: r.u32be('property'), value: r.u32be('value') });
      data = { capability, properties };
      break;
    }
    case TPM_CAP.PCRS:
      data = { capability, pcrs: getPcrSelection(r, 'assignedPCR') };
      break;
    case TPM_CAP.HANDLES: {
      const n = r.u32be('count');
      const handles: number[] = [];
      for (let i = 0; i < n; i++) handles.push(r.u32be('handle'));
      data = { capability, handles };
      break;
    }
    case TPM_CAP.ALGS: {
      const n = r.u32be('count');
      const algs: { alg: number; attributes: number }[] = [];
      for (let i = 0; i < n; i++) algs.push({ alg: r.u16be('alg'), attributes: r.u32be('algProperties') });
      data = { capability, algs };
      break;
    }
    default:
      return fail('TPM_RESPONSE_MALFORMED', `GetCapability returned capability 0x${capability.toString(16)}`);
  }
  expectEnd(r, 'GetCapability');
  return { moreData, data };
}

/** TPM2_ReadClock (Part 3 §29.1): TPMS_TIME_INFO = time ‖ TPMS_CLOCK_INFO. */
export function readClock(): TpmCommand {
  return encodeCommand(TPM_CC.ReadClock, [], [], new Uint8Array(0));
}

export function parseReadClock(resp: TpmResponse): { time: bigint; clockInfo: ClockInfo } {
  const r = paramReader(resp, 'ReadClock');
  const time = r.u64be('time');
  const clockInfo = getClockInfo(r);
  expectEnd(r, 'ReadClock');
  return { time, clockInfo };
}

/** TPM2_FlushContext (Part 3 §28.4): the handle is a parameter, not in the handle area. */
export function flushContext(flushHandle: number): TpmCommand {
  return encodeCommand(TPM_CC.FlushContext, [], [], new ByteWriter().u32be(flushHandle >>> 0).finish());
}

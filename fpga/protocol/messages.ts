import { PROTO_VERSION } from './generated.js';

/** Bodies of the protocol's responses (fpga/protocol/protocol.json); every response body starts with a status byte. */
export interface InferBody {
  verdict: number;
  confidence: number;
  logits: Int32Array;
  cycles: number;
  attribution: Int32Array;
}

export interface InfoBody {
  proto: number;
  lanes: number;
  hidden: number;
  inputDim: number;
  nSubfields: number;
  clockKhz: number;
  modelHash: Uint8Array;
}

export function encodeInferBody(status: number, r: InferBody): Uint8Array {
  const b = new Uint8Array(1 + 4 + 12 + 4 + 4 * r.attribution.length);
  const v = new DataView(b.buffer);
  b[0] = status;
  b[1] = r.verdict;
  b[2] = r.confidence;
  for (let i = 0; i < 3; i++) v.setInt32(5 + 4 * i, r.logits[i] as number, true);
  v.setUint32(17, r.cycles >>> 0, true);
  r.attribution.forEach((a, i) => v.setInt32(21 + 4 * i, a, true));
  return b;
}

/** undefined when the body has the wrong length for nSubfields. */
export function decodeInferBody(b: Uint8Array, nSubfields: number): InferBody | undefined {
  if (b.length !== 21 + 4 * nSubfields) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    verdict: b[1] as number,
    confidence: b[2] as number,
    logits: Int32Array.from([0, 1, 2], (i) => v.getInt32(5 + 4 * i, true)),
    cycles: v.getUint32(17, true),
    attribution: Int32Array.from({ length: nSubfields }, (_, i) => v.getInt32(21 + 4 * i, true)),
  };
}

export function encodeInfoBody(status: number, i: InfoBody): Uint8Array {
  const b = new Uint8Array(1 + 1 + 2 + 2 + 2 + 1 + 4 + 32);
  const v = new DataView(b.buffer);
  b[0] = status;
  b[1] = i.proto;
  v.setUint16(2, i.lanes, true);
  v.setUint16(4, i.hidden, true);
  v.setUint16(6, i.inputDim, true);
  b[8] = i.nSubfields;
  v.setUint32(9, i.clockKhz, true);
  b.set(i.modelHash.subarray(0, 32), 13);
  return b;
}

export function decodeInfoBody(b: Uint8Array): InfoBody | undefined {
  if (b.length !== 45) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    proto: b[1] as number,
    lanes: v.getUint16(2, true),
    hidden: v.getUint16(4, true),
    inputDim: v.getUint16(6, true),
    nSubfields: b[8] as number,
    clockKhz: v.getUint32(9, true),
    modelHash: b.slice(13, 45),
  };
}

export function u32Body(status: number, value: number): Uint8Array {
  const b = new Uint8Array(5);
  b[0] = status;
  new DataView(b.buffer).setUint32(1, value >>> 0, true);
  return b;
}

export { PROTO_VERSION };

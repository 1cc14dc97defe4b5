import { cobsDecode, cobsEncode } from './cobs.js';
import { crc32c } from './crc32c.js';
import { FRAME_DELIMITER, MAX_PAYLOAD } from './generated.js';

/**
 * Wire frame (docs/fpga.md, "Wire protocol"): COBS(payload || CRC-32C(payload) as u32 LE) || 0x00,
 * payload = opcode u8 || seq u8 || body. Responses carry opcode | 0x80 and a status byte first in the body.
 */
export interface Frame {
  opcode: number;
  seq: number;
  body: Uint8Array;
}

export function encodeFrame(f: Frame): Uint8Array {
  const raw = new Uint8Array(2 + f.body.length + 4);
  raw[0] = f.opcode;
  raw[1] = f.seq & 0xff;
  raw.set(f.body, 2);
  const crc = crc32c(raw.subarray(0, 2 + f.body.length));
  new DataView(raw.buffer).setUint32(2 + f.body.length, crc, true);
  const enc = cobsEncode(raw);
  const out = new Uint8Array(enc.length + 1);
  out.set(enc);
  out[enc.length] = FRAME_DELIMITER;
  return out;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; reason: 'cobs' | 'length' | 'crc' };

/** Decodes the bytes between two delimiters. */
export function decodeFrame(enc: Uint8Array): DecodeResult {
  const raw = cobsDecode(enc);
  if (raw === undefined) return { ok: false, reason: 'cobs' };
  if (raw.length < 6 || raw.length > MAX_PAYLOAD + 6) return { ok: false, reason: 'length' };
  const n = raw.length - 4;
  const want = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(n, true);
  if (crc32c(raw.subarray(0, n)) !== want) return { ok: false, reason: 'crc' };
  return { ok: true, frame: { opcode: raw[0] as number, seq: raw[1] as number, body: raw.slice(2, n) } };
}

/** Splits a byte stream at 0x00 delimiters, keeping the unfinished tail between calls. */
export class FrameSplitter {
  private buf: number[] = [];

  push(bytes: Uint8Array, onFrame: (enc: Uint8Array) => void): void {
    for (const b of bytes) {
      if (b === FRAME_DELIMITER) {
        if (this.buf.length > 0) onFrame(Uint8Array.from(this.buf));
        this.buf = [];
      } else if (this.buf.length <= 2 * MAX_PAYLOAD) this.buf.push(b);
    }
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from '#fpga/protocol/cobs.js';
import { crc32c } from '#fpga/protocol/crc32c.js';
import { decodeFrame, encodeFrame, FrameSplitter } from '#fpga/protocol/frame.js';
import { generateProtocol } from '#fpga/protocol/generate.js';
import { ID_VALUE, Opcode } from '#fpga/protocol/generated.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

describe('wire protocol single source', () => {
  it('generated TypeScript and Verilog views are up to date with protocol.json', () => {
    expect(generateProtocol(true)).toBe(true);
    expect(ID_VALUE).toBe(0x314e4a41);
    expect(Opcode.INFER).toBe(3);
  });
});

describe('CRC-32C', () => {
  it('matches the check value and the RFC 3720 B.4 vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });
});

describe('COBS', () => {
  it('encodes the published examples', () => {
    expect(cobsEncode(hex('00'))).toEqual(hex('0101'));
    expect(cobsEncode(hex('0000'))).toEqual(hex('010101'));
    expect(cobsEncode(hex('11220033'))).toEqual(hex('0311220233'));
    expect(cobsEncode(hex('11223344'))).toEqual(hex('0511223344'));
    const run = Uint8Array.from({ length: 254 }, (_, i) => i + 1);
    expect(cobsEncode(run)).toEqual(Uint8Array.of(0xff, ...run, 0x01));
  });

  it('round-trips any bytes and never emits 0x00', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (data) => {
        const enc = cobsEncode(data);
        expect(enc.includes(0)).toBe(false);
        expect(cobsDecode(enc)).toEqual(data);
      }),
    );
  });

  it('rejects malformed input', () => {
    expect(cobsDecode(hex('05112233'))).toBeUndefined();
    expect(cobsDecode(hex('021100'))).toBeUndefined();
  });
});

describe('frames', () => {
  it('round-trip through the splitter and detect a flipped bit', () => {
    const f = encodeFrame({
      opcode: Opcode.INFER,
      seq: 7,
      body: Uint8Array.from({ length: 2080 }, (_, i) => i & 0xff),
    });
    const got: Uint8Array[] = [];
    const s = new FrameSplitter();
    s.push(f.subarray(0, 1000), (e) => got.push(e));
    s.push(f.subarray(1000), (e) => got.push(e));
    expect(got).toHaveLength(1);
    const d = decodeFrame(got[0] as Uint8Array);
    expect(d.ok && d.frame.seq === 7 && d.frame.body.length === 2080).toBe(true);
    const bad = (got[0] as Uint8Array).slice();
    bad[500] = (bad[500] as number) ^ 0x10 || 1;
    expect(decodeFrame(bad)).toEqual({ ok: false, reason: 'crc' });
    expect(decodeFrame(hex('0201'))).toEqual({ ok: false, reason: 'length' });
  });
});

import { describe, expect, it } from 'vitest';
import { enumerated, ia5String, integer, octetString, oid, sequence } from '#firmware-sim/tee/der-writer.js';
import { encodeSgxExtensions } from '#firmware-sim/tee/intel-pki.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER writer (X.690)', () => {
  it('encodes integers minimally, with a 0x00 pad when the top bit is set', () => {
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(219))).toBe('020200db');
    expect(hex(integer(256))).toBe('02020100');
    expect(hex(enumerated(0))).toBe('0a0100');
    expect(() => integer(-1)).toThrow(RangeError);
  });

  it('encodes OIDs with base-128 arcs (the SGX and AMD extension roots)', () => {
    expect(hex(oid('1.2.840.113741.1.13.1'))).toBe('06092a864886f84d010d01');
    expect(hex(oid('1.3.6.1.4.1.3704.1.3.8'))).toBe('060a2b060104019c78010308');
  });

  it('uses long-form lengths above 127 bytes', () => {
    const big = octetString(new Uint8Array(300));
    expect(hex(big.subarray(0, 4))).toBe('0482012c');
    expect(hex(sequence(ia5String('Milan-B0')))).toBe('300a16084d696c616e2d4230');
  });
});

describe('SGX PCK extensions (PCK Certificate Profile)', () => {
  it('are a SEQUENCE of (OID, value) with TCB, PCE-ID, FMSPC and SGX Type', () => {
    const ext = encodeSgxExtensions({
      compSvn: Array.from({ length: 16 }, (_, i) => i),
      pceSvn: 11,
      pceId: '0000',
      fmspc: '50806f000000',
      ppid: new Uint8Array(16),
    });
    expect(ext[0]).toBe(0x30);
    const text = hex(ext);
    expect(text).toContain(
      hex(sequence(oid('1.2.840.113741.1.13.1.4'), octetString(Buffer.from('50806f000000', 'hex')))),
    );
    expect(text).toContain(hex(sequence(oid('1.2.840.113741.1.13.1.2.17'), integer(11))));
    expect(text).toContain(hex(sequence(oid('1.2.840.113741.1.13.1.5'), enumerated(0))));
  });
});

import { describe, expect, it } from 'vitest';
import {
  CERT_GUID,
  bytesToGuid,
  encodeCertTable,
  guidToBytes,
  parseCertTable,
  vekChainFromCertTable,
} from '#drivers/tee/cert-table.js';

const vcek = new Uint8Array([0x30, 1, 2, 3]);
const ask = new Uint8Array([0x30, 4, 5]);
const ark = new Uint8Array([0x30, 6]);

describe('GHCB certificate table', () => {
  it('stores GUIDs in RFC 4122 text byte order', () => {
    const b = guidToBytes(CERT_GUID.vcek);
    expect(b[0]).toBe(0x63);
    expect(b[15]).toBe(0xcd);
    expect(bytesToGuid(b)).toBe(CERT_GUID.vcek);
  });

  it('round-trips entries: 24-byte headers, zero terminator, offsets from the table start', () => {
    const t = encodeCertTable([
      { guid: CERT_GUID.vcek, data: vcek },
      { guid: CERT_GUID.ask, data: ask },
      { guid: CERT_GUID.ark, data: ark },
    ]);
    expect(t.length).toBe(4 * 24 + 4 + 3 + 2);
    expect(t.subarray(72, 96).every((b) => b === 0)).toBe(true);
    const entries = parseCertTable(t);
    expect(entries.map((e) => e.name)).toEqual(['vcek', 'ask', 'ark']);
    expect([...(entries[1]?.data ?? [])]).toEqual([...ask]);
    const chain = vekChainFromCertTable(t);
    expect(chain?.signer).toBe('vcek');
    expect([...(chain?.ark ?? [])]).toEqual([...ark]);
  });

  it('recognises a VLEK and ignores unknown GUIDs', () => {
    const t = encodeCertTable([
      { guid: '00112233-4455-6677-8899-aabbccddeeff', data: ark },
      { guid: CERT_GUID.vlek, data: vcek },
    ]);
    expect(parseCertTable(t)[0]?.name).toBeUndefined();
    expect(vekChainFromCertTable(t)?.signer).toBe('vlek');
    expect(vekChainFromCertTable(encodeCertTable([{ guid: CERT_GUID.ask, data: ask }]))).toBeUndefined();
  });

  it('rejects entries pointing outside the table and tables without a terminator', () => {
    const t = encodeCertTable([{ guid: CERT_GUID.vcek, data: vcek }]);
    const bad = t.slice();
    bad[20] = 0xff; // length
    expect(() => parseCertTable(bad)).toThrow(expect.objectContaining({ code: 'TEE_CERT_TABLE_INVALID' }));
    const noTerm = t.slice(0, 24);
    expect(() => parseCertTable(noTerm)).toThrow(expect.objectContaining({ code: 'TEE_CERT_TABLE_INVALID' }));
    expect(() => parseCertTable(t.slice(0, 10))).toThrow(
      expect.objectContaining({ code: 'PARSE_TRUNCATED' }),
    );
  });
});

import { ByteReader, ByteWriter, isAllZero } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { fromHex, toHex } from '#core/encoding.js';
import type { VekChain } from '#device/tee.js';

/**
 * GHCB certificate table (GHCB spec #56421 §4.1.8.1, MSG_REPORT_REQ extended; the configfs-tsm auxblob):
 * 24-byte entries { guid[16], offset u32, length u32 } ending with an all-zero entry; offsets are from the
 * start of the table. GUIDs are stored in RFC 4122 text byte order (hardware-interfaces.md §6.3).
 */
export const CERT_GUID = {
  vcek: '63da758d-e664-4564-adc5-f4b93be8accd',
  vlek: 'a8074bc2-a25a-483e-aae6-39c045a0b8a1',
  ask: '4ab7b379-bbac-4fe4-a02f-05aef327c782',
  ark: 'c0b406a4-a803-4952-9743-3fb6014cd0ae',
  crl: '92f81bc3-5811-4d3d-97ff-d19f88dc67ea',
} as const;

export type CertName = keyof typeof CERT_GUID;

const ENTRY_SIZE = 24;
/** Upper bound on entries so a table without terminator cannot make us loop over a huge buffer. */
const MAX_ENTRIES = 64;

export interface CertTableEntry {
  guid: string;
  name: CertName | undefined;
  data: Uint8Array;
}

export function guidToBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, '');
  if (hex.length !== 32) fail('TEE_CERT_TABLE_INVALID', `not a GUID: ${guid}`);
  return fromHex(hex, 'guid');
}

export function bytesToGuid(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function nameOf(guid: string): CertName | undefined {
  for (const [name, g] of Object.entries(CERT_GUID)) if (g === guid) return name as CertName;
  return undefined;
}

export function parseCertTable(table: Uint8Array): CertTableEntry[] {
  const r = new ByteReader(table, 'certificate table');
  const out: CertTableEntry[] = [];
  for (let i = 0; i <= MAX_ENTRIES; i++) {
    const guidBytes = r.bytes(16, 'guid');
    const offset = r.u32le('offset');
    const length = r.u32le('length');
    if (isAllZero(guidBytes) && offset === 0 && length === 0) return out;
    if (offset + length > table.length || offset < ENTRY_SIZE) {
      fail('TEE_CERT_TABLE_INVALID', `certificate entry ${i} points outside the table`, { offset, length });
    }
    const guid = bytesToGuid(guidBytes);
    out.push({ guid, name: nameOf(guid), data: table.slice(offset, offset + length) });
  }
  return fail(
    'TEE_CERT_TABLE_INVALID',
    `certificate table has more than ${MAX_ENTRIES} entries or no terminator`,
  );
}

/** Builds a table (entries, terminator, then the certificates back to back), as the host does. */
export function encodeCertTable(entries: { guid: string; data: Uint8Array }[]): Uint8Array {
  const header = new ByteWriter();
  const body = new ByteWriter();
  let offset = (entries.length + 1) * ENTRY_SIZE;
  for (const e of entries) {
    header.bytes(guidToBytes(e.guid)).u32le(offset).u32le(e.data.length);
    body.bytes(e.data);
    offset += e.data.length;
  }
  header.zeros(ENTRY_SIZE);
  return new ByteWriter().bytes(header.finish()).bytes(body.finish()).finish();
}

/** The VEK chain found in a table: a VCEK (or VLEK) is required; ASK and ARK when the host supplied them. */
export function vekChainFromCertTable(table: Uint8Array): VekChain | undefined {
  const entries = parseCertTable(table);
  const find = (n: CertName): Uint8Array | undefined => entries.find((e) => e.name === n)?.data;
  const vcek = find('vcek');
  const vlek = find('vlek');
  const vek = vcek ?? vlek;
  if (vek === undefined) return undefined;
  const chain: VekChain = { vek, signer: vcek !== undefined ? 'vcek' : 'vlek' };
  const ask = find('ask');
  const ark = find('ark');
  if (ask !== undefined) chain.ask = ask;
  if (ark !== undefined) chain.ark = ark;
  return chain;
}

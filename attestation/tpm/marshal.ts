import { ByteReader, ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { DIGEST_SIZE, HASH_BY_NAME } from './constants.js';

/**
 * Shared TPM 2.0 marshalling (Part 1 §18, Part 2 §10): big-endian integers, TPM2B = UINT16 size ‖ bytes,
 * TPML = UINT32 count ‖ elements.
 */

export function putTpm2b(w: ByteWriter, b: Uint8Array): ByteWriter {
  if (b.length > 0xffff) fail('TPM_MARSHAL_INVALID', `TPM2B of ${b.length} bytes exceeds 65535`);
  return w.u16be(b.length).bytes(b);
}

export function getTpm2b(r: ByteReader, field: string): Uint8Array {
  const n = r.u16be(`${field}.size`);
  return r.bytes(n, field);
}

export function tpm2b(b: Uint8Array): Uint8Array {
  return putTpm2b(new ByteWriter(), b).finish();
}

/** One bank of a TPML_PCR_SELECTION (Part 2 §10.6.2 TPMS_PCR_SELECTION), with indexes instead of a bitmap. */
export interface PcrSelection {
  hash: number;
  pcrs: number[];
}

/** Platform PCRs: 24 per bank (PC Client profile), so a 3-byte bitmap. */
export const PCR_SELECT_MIN = 3;

export function putPcrSelection(w: ByteWriter, sel: readonly PcrSelection[]): ByteWriter {
  w.u32be(sel.length);
  for (const s of sel) {
    const max = Math.max(-1, ...s.pcrs);
    const size = Math.max(PCR_SELECT_MIN, Math.floor(max / 8) + 1);
    const bitmap = new Uint8Array(size);
    for (const p of s.pcrs) {
      if (!Number.isInteger(p) || p < 0 || p > 255)
        fail('TPM_MARSHAL_INVALID', `PCR index ${p} is out of range`);
      bitmap[p >> 3] = (bitmap[p >> 3] as number) | (1 << (p & 7));
    }
    w.u16be(s.hash).u8(size).bytes(bitmap);
  }
  return w;
}

export function marshalPcrSelection(sel: readonly PcrSelection[]): Uint8Array {
  return putPcrSelection(new ByteWriter(), sel).finish();
}

export function getPcrSelection(r: ByteReader, field = 'pcrSelect'): PcrSelection[] {
  const count = r.u32be(`${field}.count`);
  if (count > 16) fail('TPM_MARSHAL_INVALID', `${field}: ${count} banks is more than any TPM has`);
  const out: PcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const hash = r.u16be(`${field}.hash`);
    const size = r.u8(`${field}.sizeofSelect`);
    const bitmap = r.bytes(size, `${field}.pcrSelect`);
    const pcrs: number[] = [];
    for (let b = 0; b < size * 8; b++) if (((bitmap[b >> 3] as number) >> (b & 7)) & 1) pcrs.push(b);
    out.push({ hash, pcrs });
  }
  return out;
}

/** TPML_DIGEST (Part 2 §10.9.2). */
export function getDigestList(r: ByteReader, field = 'digests'): Uint8Array[] {
  const count = r.u32be(`${field}.count`);
  if (count > 64) fail('TPM_MARSHAL_INVALID', `${field}: ${count} digests is more than a TPM returns`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(getTpm2b(r, `${field}[${i}]`));
  return out;
}

export function digestSize(hash: number): number {
  const n = DIGEST_SIZE[hash];
  if (n === undefined) fail('TPM_ALG_UNSUPPORTED', `hash algorithm 0x${hash.toString(16)} is not supported`);
  return n;
}

/** Sorted, de-duplicated PCR indexes (the order a TPM uses when it concatenates PCR values). */
export function normalizeSelection(sel: readonly PcrSelection[]): PcrSelection[] {
  return sel.map((s) => ({ hash: s.hash, pcrs: [...new Set(s.pcrs)].sort((a, b) => a - b) }));
}

/**
 * Parses a tpm2-tools style PCR list, e.g. "sha256:0,1,2,3" or "sha1:0+sha256:0,7"
 * (tpm2-tools man page tpm2_pcrread, "PCR bank specifiers").
 */
export function parsePcrSpec(spec: string): PcrSelection[] {
  const out: PcrSelection[] = [];
  for (const part of spec.split('+')) {
    const m = /^([a-z0-9]+):(\d+(?:,\d+)*)$/.exec(part.trim());
    const hash = m === null ? undefined : HASH_BY_NAME[m[1] as string];
    if (m === null || hash === undefined)
      fail('USAGE', `PCR selection "${part}" is not of the form sha256:0,1,2`);
    const pcrs = (m[2] as string).split(',').map(Number);
    if (pcrs.some((p) => p > 23)) fail('USAGE', `PCR selection "${part}": PCR indexes run from 0 to 23`);
    out.push({ hash, pcrs });
  }
  return normalizeSelection(out);
}

import { sha3_512 } from './sha3-512.js';

/**
 * Encoder primitives of reference §1.2, deterministic in every process: SHA3-512 counter-mode
 * expansion with bytes mapped to (b − 127.5)/127.5 and L2 normalisation, and fixed-slot vectors
 * whose key order is part of the format.
 */

const enc = new TextEncoder();

/** hash-expand(seed, dim): SHA3-512(seed ‖ uint32-BE counter) blocks → floats → L2-normalised. */
export function hashExpand(seed: Uint8Array | string, dim: number): Float64Array {
  const s = typeof seed === 'string' ? enc.encode(seed) : seed;
  const out = new Float64Array(dim);
  if (dim === 0) return out;
  const buf = new Uint8Array(s.length + 4);
  buf.set(s, 0);
  let filled = 0;
  for (let c = 0; filled < dim; c++) {
    buf[s.length] = (c >>> 24) & 0xff;
    buf[s.length + 1] = (c >>> 16) & 0xff;
    buf[s.length + 2] = (c >>> 8) & 0xff;
    buf[s.length + 3] = c & 0xff;
    const block = sha3_512(buf);
    for (let i = 0; i < block.length && filled < dim; i++)
      out[filled++] = ((block[i] as number) - 127.5) / 127.5;
  }
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) out[i] = (out[i] as number) / norm;
  return out;
}

/** Text embedding = hash-expand of its UTF-8 bytes; empty text → zeros (the original's dummy provider). */
export function embedText(text: string, dim: number): Float64Array {
  return text === '' ? new Float64Array(dim) : hashExpand(text, dim);
}

/** slot i = named[keys[i]] (0 when absent or not a finite number); unlisted keys are dropped. */
export function fixedSlot(
  named: Readonly<Record<string, number>> | undefined,
  keys: readonly string[],
  dim: number,
): Float64Array {
  const out = new Float64Array(dim);
  if (named === undefined) return out;
  keys.forEach((k, i) => {
    const v = named[k];
    if (i < dim && typeof v === 'number' && Number.isFinite(v)) out[i] = v;
  });
  return out;
}

export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 7(2), 1999): removes every 0x00 from a
 * frame so 0x00 can delimit frames on the UART. Each block is a code byte n (1..255) followed by n-1 non-zero
 * bytes; n < 255 means a zero follows (except at the very end). Imports nothing so the RTL-side tools and the
 * host share it (fpga/ is a leaf layer).
 */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.ceil(data.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (const b of data) {
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    code++;
    if (code === 255) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decodes one COBS block sequence (without the 0x00 delimiter); undefined when malformed. */
export function cobsDecode(enc: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(enc.length);
  let i = 0;
  let o = 0;
  while (i < enc.length) {
    const code = enc[i++] as number;
    if (code === 0) return undefined;
    for (let k = 1; k < code; k++) {
      if (i >= enc.length) return undefined;
      const b = enc[i++] as number;
      if (b === 0) return undefined;
      out[o++] = b;
    }
    if (code < 255 && i < enc.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

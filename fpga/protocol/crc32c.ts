/** CRC-32C (Castagnoli; RFC 3720 appendix B.4): reflected polynomial 0x82F63B78, init and xorout 0xFFFFFFFF. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const b of data) c = ((TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)) >>> 0;
  return ~c >>> 0;
}

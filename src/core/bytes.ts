import { fail } from './errors.js';

/**
 * Bounds-checked cursor over a byte buffer. Every read past the end throws PARSE_TRUNCATED with the
 * offset and the field name, so malformed evidence yields a code, never a RangeError.
 */
export class ByteReader {
  private pos = 0;

  constructor(
    readonly buf: Uint8Array,
    private readonly what = 'input',
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      fail(
        'PARSE_TRUNCATED',
        `${this.what}: ${field} needs ${n} bytes at offset ${this.pos}, ${this.remaining} left`,
        {
          field,
          offset: this.pos,
        },
      );
    }
  }

  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, field = 'skip'): void {
    this.need(n, field);
    this.pos += n;
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.pos++] as number;
  }

  u16le(field = 'u16'): number {
    const b = this.bytes(2, field);
    return (b[0] as number) | ((b[1] as number) << 8);
  }

  u16be(field = 'u16'): number {
    const b = this.bytes(2, field);
    return ((b[0] as number) << 8) | (b[1] as number);
  }

  u32le(field = 'u32'): number {
    const b = this.bytes(4, field);
    return (
      ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0
    );
  }

  u32be(field = 'u32'): number {
    const b = this.bytes(4, field);
    return (
      (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0
    );
  }

  u64le(field = 'u64'): bigint {
    const lo = BigInt(this.u32le(field));
    const hi = BigInt(this.u32le(field));
    return (hi << 32n) | lo;
  }

  u64be(field = 'u64'): bigint {
    const hi = BigInt(this.u32be(field));
    const lo = BigInt(this.u32be(field));
    return (hi << 32n) | lo;
  }
}

/** Growable byte builder, the inverse of ByteReader. */
export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private len = 0;

  get length(): number {
    return this.len;
  }

  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.len += b.length;
    return this;
  }

  zeros(n: number): this {
    return this.bytes(new Uint8Array(n));
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff));
  }

  u16le(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff, (v >>> 8) & 0xff));
  }

  u16be(v: number): this {
    return this.bytes(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }

  u32le(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff));
  }

  u32be(v: number): this {
    return this.bytes(Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }

  u64le(v: bigint): this {
    return this.u32le(Number(v & 0xffffffffn)).u32le(Number((v >> 32n) & 0xffffffffn));
  }

  u64be(v: bigint): this {
    return this.u32be(Number((v >> 32n) & 0xffffffffn)).u32be(Number(v & 0xffffffffn));
  }

  finish(): Uint8Array {
    return concatBytes(...this.chunks);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-time equality for MACs, digests and bindings (timingSafeEqual semantics, any length). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

export function isAllZero(b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < b.length; i++) d |= b[i] as number;
  return d === 0;
}

export const utf8 = {
  encode: (s: string): Uint8Array => new TextEncoder().encode(s),
  /** Strict decode: invalid UTF-8 throws UTF8_INVALID instead of inserting U+FFFD. */
  decode: (b: Uint8Array, what = 'input'): string => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return fail('UTF8_INVALID', `${what} is not valid UTF-8`);
    }
  },
};

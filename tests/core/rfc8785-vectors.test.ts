import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#core/canonical-json.js';

/**
 * The vectors RFC 8785 (JSON Canonicalization Scheme) publishes, checked against canonicalJson, the bytes
 * every record hash and signature is taken over. Values are transcribed from the RFC text (rfc-editor.org,
 * June 2020), section by section; nothing here is derived from the implementation under test.
 */

/** An IEEE 754 double from its 64-bit pattern in hex, as the RFC's "IEEE 754" column gives it. */
function f64(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

const hexOf = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

describe('RFC 8785 Appendix B: number serialization samples (Table 1)', () => {
  // [IEEE 754 bit pattern, JSON representation, RFC comment]
  const table: [string, string, string][] = [
    ['0000000000000000', '0', 'Zero'],
    ['8000000000000000', '0', 'Minus zero'],
    ['0000000000000001', '5e-324', 'Min pos number'],
    ['8000000000000001', '-5e-324', 'Min neg number'],
    ['7fefffffffffffff', '1.7976931348623157e+308', 'Max pos number'],
    ['ffefffffffffffff', '-1.7976931348623157e+308', 'Max neg number'],
    ['4340000000000000', '9007199254740992', 'Max pos int (1)'],
    ['c340000000000000', '-9007199254740992', 'Max neg int (1)'],
    ['4430000000000000', '295147905179352830000', '~2**68 (2)'],
    ['44b52d02c7e14af5', '9.999999999999997e+22', ''],
    ['44b52d02c7e14af6', '1e+23', ''],
    ['44b52d02c7e14af7', '1.0000000000000001e+23', ''],
    ['444b1ae4d6e2ef4e', '999999999999999700000', ''],
    ['444b1ae4d6e2ef4f', '999999999999999900000', ''],
    ['444b1ae4d6e2ef50', '1e+21', ''],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7', ''],
    ['3eb0c6f7a0b5ed8d', '0.000001', ''],
    ['41b3de4355555553', '333333333.3333332', ''],
    ['41b3de4355555554', '333333333.33333325', ''],
    ['41b3de4355555555', '333333333.3333333', ''],
    ['41b3de4355555556', '333333333.3333334', ''],
    ['41b3de4355555557', '333333333.33333343', ''],
    ['becbf647612f3696', '-0.0000033333333333333333', ''],
    ['43143ff3c1cb0959', '1424953923781206.2', 'Round to even (4)'],
  ];

  for (const [bits, json, comment] of table) {
    it(`0x${bits} → ${json}${comment ? ` (${comment})` : ''}`, () => {
      expect(canonicalJson(f64(bits))).toBe(json);
      // The same text inside a structure: no number is formatted differently as an element or a member.
      expect(canonicalJson({ n: [f64(bits)] })).toBe(`{"n":[${json}]}`);
    });
  }

  // Rows with no JSON representation: note (3) and §3.2.2.3 say they MUST terminate with an error.
  for (const [bits, name] of [
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ] as const) {
    it(`0x${bits} (${name}) is rejected, alone and nested`, () => {
      expect(Number.isFinite(f64(bits))).toBe(false);
      expect(() => canonicalJson(f64(bits))).toThrow();
      expect(() => canonicalJson({ a: [1, { b: f64(bits) }] })).toThrow();
    });
  }

  it('-Infinity is rejected too (§3.2.2.3: Infinity is not permitted in JSON)', () => {
    expect(() => canonicalJson(-Infinity)).toThrow();
  });
});

describe('RFC 8785 §3.2.2 – §3.2.4: the sample object', () => {
  // §3.2.2, as parsed (whitespace and line breaks of the RFC's display are insignificant JSON whitespace).
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  // §3.2.3, without the line wrap the RFC adds for display.
  const canonical = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
  // §3.2.4, the UTF-8 bytes in hexadecimal.
  const bytes = `
    7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
    75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
    5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
    65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
    5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
    30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`.replace(/\s+/g, '');

  it('canonicalizes to the §3.2.3 text', () => {
    expect(canonicalJson(JSON.parse(input))).toBe(canonical);
  });

  it('encodes to the §3.2.4 UTF-8 bytes', () => {
    expect(hexOf(canonicalJson(JSON.parse(input)))).toBe(bytes);
    expect(hexOf(canonical)).toBe(bytes); // the two RFC listings agree with each other
  });

  it('is idempotent: the canonical text canonicalizes to itself', () => {
    expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
  });
});

describe('RFC 8785 §3.2.3: sorting of object properties by UTF-16 code units', () => {
  it('orders the RFC test data as the RFC expects', () => {
    const data = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const expected = [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ];
    const out = canonicalJson(JSON.parse(data));
    // Positions in the text, not Object.values(JSON.parse(out)): JS objects put the integer-like key "1" first.
    const positions = expected.map((v) => out.indexOf(`"${v}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The emoji (surrogates 0xd83d 0xde00) sorts before U+FB33 by code unit, although after it by code point.
    expect(out.indexOf('\ud83d\ude00')).toBeLessThan(out.indexOf('\ufb33'));
  });

  it('orders "", "a", "aa", "ab" as the RFC lists them', () => {
    expect(canonicalJson({ ab: 4, aa: 3, a: 2, '': 1 })).toBe('{"":1,"a":2,"aa":3,"ab":4}');
  });

  it('sorts recursively, inside arrays too, and keeps array order', () => {
    expect(canonicalJson({ b: [{ z: 1, y: 2 }, 3], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[{"y":2,"z":1},3]}',
    );
  });
});

describe('RFC 8785 §3.2.2.2: strings', () => {
  it('rejects a lone surrogate such as U+DEAD', () => {
    expect(() => canonicalJson('\udead')).toThrow();
    expect(() => canonicalJson({ '\udead': 1 })).toThrow();
  });
});

describe('RFC 8785 Appendices C and E: the worked examples', () => {
  it('Appendix C: the address record comes out as address, city, name, state, zip', () => {
    const rec = {
      name: 'John Doe',
      address: '2000 Sunset Boulevard',
      city: 'Los Angeles',
      zip: '90001',
      state: 'CA',
    };
    expect(canonicalJson(rec)).toBe(
      '{"address":"2000 Sunset Boulevard","city":"Los Angeles","name":"John Doe","state":"CA","zip":"90001"}',
    );
  });

  it('Appendix E: string subtypes stay as parsed', () => {
    const parsed = JSON.parse('{"time": "2019-01-28T07:45:10Z", "big": "055", "val": 3.5}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"big":"055","time":"2019-01-28T07:45:10Z","val":3.5}');
  });
});

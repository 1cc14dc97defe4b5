import fc from 'fast-check';
import { isAegisError } from '#core/errors.js';
import { parseDcapQuote, verifyDcapQuote, type DcapCollateral } from '#attestation/dcap/index.js';
import { parseSnpReport, verifySnpReport, type SnpTrustAnchors } from '#attestation/sev-snp/index.js';

/**
 * Property-based fuzz of the evidence parsers and verifiers, shared by the test suite (fixed seed, few
 * runs) and bench/attestation.ts (more runs). Properties: parsing either succeeds or throws an AegisError
 * (never a RangeError or TypeError); verifying never throws and never accepts a mutated input.
 */
export interface FuzzSeeds {
  quote: Uint8Array;
  collateral: DcapCollateral;
  at: Date;
  report: Uint8Array;
  vek: Uint8Array;
  snpAt: Date;
  anchors: SnpTrustAnchors;
}

function parsesOrCodes(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    return isAegisError(e);
  }
}

/** Byte edits: (index, xor) pairs with a non-zero xor, applied to a copy. */
const edits = (len: number) =>
  fc.array(fc.record({ i: fc.nat({ max: len - 1 }), x: fc.integer({ min: 1, max: 255 }) }), {
    minLength: 1,
    maxLength: 8,
  });

function apply(base: Uint8Array, es: { i: number; x: number }[]): Uint8Array {
  const m = base.slice();
  for (const e of es) m[e.i] = (m[e.i] as number) ^ e.x;
  return m;
}

export function runParserFuzz(s: FuzzSeeds, seed: number, numRuns: number): void {
  const opts = { seed, numRuns };
  // Random bytes, and random bytes behind a plausible header, so the parser gets past the first fields.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 6000 }), (b) => parsesOrCodes(() => parseDcapQuote(b))),
    opts,
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 6000 }), fc.constantFrom(3, 4, 5), (b, v) => {
      const q = new Uint8Array(b.length + 8);
      q.set([v, 0, 2, 0, v === 3 ? 0 : 0x81, 0, 0, 0]);
      q.set(b, 8);
      return parsesOrCodes(() => parseDcapQuote(q));
    }),
    opts,
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1184, maxLength: 1184 }), (b) =>
      parsesOrCodes(() => parseSnpReport(b)),
    ),
    opts,
  );
  // Edits of real evidence: parse never throws anything but a code; the verifier never accepts.
  const sigEnd = parseDcapQuote(s.quote).signedRegion.length + 4 + 64 + 64 + 6 + 384 + 64 + 2 + 32;
  fc.assert(
    fc.property(edits(Math.min(sigEnd, s.quote.length)), (es) => {
      const m = apply(s.quote, es);
      if (!parsesOrCodes(() => parseDcapQuote(m))) return false;
      return !verifyDcapQuote(m, s.collateral, { at: s.at }).ok;
    }),
    { seed, numRuns: Math.max(1, Math.floor(numRuns / 4)) },
  );
  fc.assert(
    fc.property(edits(0x2a0), (es) => {
      const m = apply(s.report, es);
      if (!parsesOrCodes(() => parseSnpReport(m))) return false;
      return !verifySnpReport(m, s.vek, { at: s.snpAt, trustAnchors: s.anchors }).ok;
    }),
    { seed, numRuns: Math.max(1, Math.floor(numRuns / 4)) },
  );
}

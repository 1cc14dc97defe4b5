import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAegisError } from '#core/errors.js';
import { parseCertTable, vekChainFromCertTable } from '#drivers/tee/cert-table.js';
import {
  decodeExtReportCertsLen,
  decodeSnpGuestRequestErrors,
  decodeSnpReportResp,
} from '#drivers/tee/sev-abi.js';
import { decodeTdxReportReq } from '#drivers/tee/tdx-abi.js';
import { checkEvidenceBinding } from '#drivers/tee/evidence-check.js';
import { parseSimState } from '#firmware-sim/tee/sim-state.js';

/** Bad input of any shape gives an AegisError with a code, never a RangeError or TypeError (DESIGN.md, Errors). */
function onlyAegisErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    return isAegisError(e);
  }
}

const bytes = fc.uint8Array({ maxLength: 1300 });

describe('malformed device output never escapes as a raw exception', () => {
  it('certificate tables (auxblob / extended-report buffer)', () => {
    fc.assert(
      fc.property(
        bytes,
        (b) => onlyAegisErrors(() => parseCertTable(b)) && onlyAegisErrors(() => vekChainFromCertTable(b)),
      ),
    );
  });

  it('certificate tables with plausible headers but hostile offsets and lengths', () => {
    const entry = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(), fc.nat());
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), fc.uint8Array({ maxLength: 64 }), (entries, tail) => {
        const t = new Uint8Array(entries.length * 24 + tail.length);
        const dv = new DataView(t.buffer);
        entries.forEach(([g, off, len], i) => {
          t.set(g, i * 24);
          dv.setUint32(i * 24 + 16, off >>> 0, true);
          dv.setUint32(i * 24 + 20, len >>> 0, true);
        });
        t.set(tail, entries.length * 24);
        return onlyAegisErrors(() => parseCertTable(t));
      }),
    );
  });

  it('ioctl structs and responses of any size', () => {
    fc.assert(
      fc.property(bytes, (b) =>
        [
          () => decodeSnpReportResp(b),
          () => decodeSnpGuestRequestErrors(b),
          () => decodeExtReportCertsLen(b),
          () => decodeTdxReportReq(b),
        ].every(onlyAegisErrors),
      ),
    );
  });

  it('evidence returned by a device (quote or report bytes)', () => {
    const rd = new Uint8Array(64);
    fc.assert(
      fc.property(
        bytes,
        (b) =>
          onlyAegisErrors(() =>
            checkEvidenceBinding({
              tee: 'tdx',
              simulated: false,
              source: 'configfs-tsm',
              reportData: rd,
              quote: b,
            }),
          ) &&
          onlyAegisErrors(() =>
            checkEvidenceBinding({
              tee: 'sev-snp',
              simulated: false,
              source: 'sev-guest',
              reportData: rd,
              report: b,
            }),
          ),
      ),
    );
  });

  it('simulator state documents of any JSON shape', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => onlyAegisErrors(() => parseSimState(v))));
    expect(
      onlyAegisErrors(() =>
        parseSimState({ format: 'aegis-sim-tee-state-v1', test_only: true, kind: 'sev-snp', tcb: {} }),
      ),
    ).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAegisError } from '#core/errors.js';
import { parseQuoteAttest } from '#attestation/tpm/attest.js';
import { decodeResponse } from '#attestation/tpm/command.js';
import { parseCreatePrimary } from '#attestation/tpm/commands/object.js';
import { parsePcrRead } from '#attestation/tpm/commands/pcr.js';
import { createPrimary } from '#attestation/tpm/commands/object.js';
import { pcrRead } from '#attestation/tpm/commands/pcr.js';
import { TPM_RH } from '#attestation/tpm/constants.js';
import { parsePublic, parsePublic2b } from '#attestation/tpm/public.js';
import { quoteFromJson } from '#attestation/tpm/quote-json.js';
import { parseEventLog } from '#attestation/tpm/event-log.js';
import { parseSignature } from '#attestation/tpm/signature.js';
import { srkTemplate } from '#attestation/tpm/templates.js';

/** Bad input of any shape gives an AegisError with a code, never a RangeError or TypeError (DESIGN.md, Errors). */
function onlyAegisErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isAegisError(e)) throw e;
    expect(e.code).toMatch(/^[A-Z0-9_]+$/);
  }
}

const bytes = fc.uint8Array({ maxLength: 300 });

describe('TPM parsers on arbitrary bytes', () => {
  it('TPMS_ATTEST, TPMT_PUBLIC, TPMT_SIGNATURE', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        onlyAegisErrors(() => parseQuoteAttest(b));
        onlyAegisErrors(() => parsePublic(b));
        onlyAegisErrors(() => parsePublic2b(b));
        onlyAegisErrors(() => parseSignature(b));
        onlyAegisErrors(() => parseEventLog(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('responses with a valid header and arbitrary parameters', () => {
    const cmds = [createPrimary(TPM_RH.OWNER, srkTemplate()), pcrRead([])];
    fc.assert(
      fc.property(bytes, fc.boolean(), (body, sessions) => {
        for (const cmd of cmds) {
          const head = Buffer.alloc(10);
          head.writeUInt16BE(sessions ? 0x8002 : 0x8001, 0);
          head.writeUInt32BE(10 + body.length, 2);
          const resp = new Uint8Array(Buffer.concat([head, body]));
          onlyAegisErrors(() => {
            const r = decodeResponse(cmd, resp);
            return cmd === cmds[0] ? parseCreatePrimary(r) : parsePcrRead(r);
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the bundle JSON member', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => onlyAegisErrors(() => quoteFromJson(v))),
      { numRuns: 500 },
    );
  });
});

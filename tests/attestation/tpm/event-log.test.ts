import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { checkEventLog, parseEventLog, replayEventLog } from '#attestation/tpm/event-log.js';
import { buildEventLog, sampleEvents } from './event-log-builder.js';

const sha256 = (...p: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const x of p) h.update(x);
  return new Uint8Array(h.digest());
};

describe('TCG crypto-agile event log', () => {
  it('parses and replays each bank', () => {
    const log = parseEventLog(buildEventLog(sampleEvents));
    expect(log.events).toHaveLength(5);
    expect([...log.digestSizes.entries()]).toEqual([
      [TPM_ALG.SHA1, 20],
      [TPM_ALG.SHA256, 32],
    ]);
    const pcrs = replayEventLog(log, TPM_ALG.SHA256);
    expect(pcrs.map((p) => p.index)).toEqual([0, 4, 7]);
    const e0 = sha256(new TextEncoder().encode('firmware volume'));
    const expected0 = sha256(sha256(new Uint8Array(32), e0), sha256(new Uint8Array(4)));
    expect(pcrs[0]?.value).toEqual(expected0);
    expect(replayEventLog(log, TPM_ALG.SHA1)[0]?.value.length).toBe(20);
  });

  it('StartupLocality sets the initial value of PCR 0', () => {
    const a = replayEventLog(parseEventLog(buildEventLog(sampleEvents)), TPM_ALG.SHA256)[0]?.value;
    const b = replayEventLog(
      parseEventLog(buildEventLog(sampleEvents, { startupLocality: 3 })),
      TPM_ALG.SHA256,
    )[0]?.value;
    expect(a).not.toEqual(b);
    const init = new Uint8Array(32);
    init[31] = 3;
    const e0 = sha256(new TextEncoder().encode('firmware volume'));
    expect(b).toEqual(sha256(sha256(init, e0), sha256(new Uint8Array(4))));
  });

  it('checks quoted values against the log', () => {
    const log = parseEventLog(buildEventLog(sampleEvents));
    const quoted = [
      ...replayEventLog(log, TPM_ALG.SHA256),
      { hash: TPM_ALG.SHA256, index: 10, value: new Uint8Array(32) },
    ];
    expect(checkEventLog(log, quoted, TPM_ALG.SHA256)).toEqual([0, 4, 7, 10]);
    const altered = quoted.map((p) => (p.index === 4 ? { ...p, value: new Uint8Array(32).fill(1) } : p));
    expect(() => checkEventLog(log, altered, TPM_ALG.SHA256)).toThrow(
      expect.objectContaining({
        code: 'TPM_EVENTLOG_MISMATCH',
        detail: expect.objectContaining({ pcrs: [4] }),
      }),
    );
  });

  it('rejects malformed logs with a code', () => {
    const good = buildEventLog(sampleEvents);
    expect(() => parseEventLog(good.subarray(0, good.length - 3))).toThrow(
      expect.objectContaining({ code: 'TPM_EVENTLOG_INVALID' }),
    );
    const noSpec = new Uint8Array(good);
    noSpec[32] = 0x41; // first byte of the Spec ID signature
    expect(() => parseEventLog(noSpec)).toThrow(expect.objectContaining({ code: 'TPM_EVENTLOG_INVALID' }));
    expect(() => parseEventLog(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'TPM_EVENTLOG_INVALID' }),
    );
    expect(() => replayEventLog(parseEventLog(good), TPM_ALG.SHA384)).toThrow(
      expect.objectContaining({ code: 'TPM_EVENTLOG_INVALID' }),
    );
  });
});

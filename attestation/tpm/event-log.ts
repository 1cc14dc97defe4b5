import { createHash } from 'node:crypto';
import { ByteReader, bytesEqual } from '#core/bytes.js';
import { AegisError, fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import { HASH_NAME } from './constants.js';
import type { PcrValue } from './pcr-values.js';

/**
 * The TCG crypto-agile event log (TCG PC Client Platform Firmware Profile, §10 "Event Logging"), as Linux exposes it
 * in /sys/kernel/security/tpm0/binary_bios_measurements. Little-endian throughout:
 *   first event  TCG_PCClientPCREvent (SHA-1 format): pcrIndex, eventType = EV_NO_ACTION, digest[20], eventSize,
 *                event = TCG_EfiSpecIDEvent ("Spec ID Event03", …, the digest size of every algorithm in the log)
 *   then         TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES (count, {hashAlg, digest}…), eventSize, event
 */
export const EV_NO_ACTION = 0x00000003;

export interface LogEvent {
  pcrIndex: number;
  eventType: number;
  digests: { hashAlg: number; digest: Uint8Array }[];
  event: Uint8Array;
}

export interface EventLog {
  /** Algorithm id → digest size, from the Spec ID event. */
  digestSizes: Map<number, number>;
  events: LogEvent[];
}

const SPEC_ID = new TextEncoder().encode('Spec ID Event03\0');
const STARTUP_LOCALITY = new TextEncoder().encode('StartupLocality\0');

function parseInner(buf: Uint8Array): EventLog {
  const r = new ByteReader(buf, 'event log');
  r.u32le('pcrIndex');
  const type = r.u32le('eventType');
  r.bytes(20, 'digest');
  const size = r.u32le('eventSize');
  const spec = new ByteReader(r.bytes(size, 'specIdEvent'), 'TCG_EfiSpecIDEvent');
  if (type !== EV_NO_ACTION || !bytesEqual(spec.bytes(16, 'signature'), SPEC_ID))
    fail(
      'TPM_EVENTLOG_INVALID',
      'the event log does not start with a crypto-agile Spec ID Event03 (SHA-1-only logs are not supported)',
    );
  spec.skip(4 + 4, 'platformClass, version, errata, uintnSize');
  const n = spec.u32le('numberOfAlgorithms');
  if (n === 0 || n > 8) fail('TPM_EVENTLOG_INVALID', `the Spec ID event lists ${n} algorithms`);
  const digestSizes = new Map<number, number>();
  for (let i = 0; i < n; i++) digestSizes.set(spec.u16le('algorithmId'), spec.u16le('digestSize'));
  const events: LogEvent[] = [];
  while (r.remaining > 0) {
    const pcrIndex = r.u32le('pcrIndex');
    const eventType = r.u32le('eventType');
    const count = r.u32le('digests.count');
    if (count > digestSizes.size)
      fail('TPM_EVENTLOG_INVALID', `event ${events.length + 1} has ${count} digests`);
    const digests: LogEvent['digests'] = [];
    for (let i = 0; i < count; i++) {
      const hashAlg = r.u16le('hashAlg');
      const len = digestSizes.get(hashAlg);
      if (len === undefined)
        fail(
          'TPM_EVENTLOG_INVALID',
          `event ${events.length + 1} uses algorithm 0x${hashAlg.toString(16)} not in the Spec ID event`,
        );
      digests.push({ hashAlg, digest: r.bytes(len, 'digest') });
    }
    const event = r.bytes(r.u32le('eventSize'), 'event');
    if (pcrIndex > 23) fail('TPM_EVENTLOG_INVALID', `event ${events.length + 1} extends PCR ${pcrIndex}`);
    events.push({ pcrIndex, eventType, digests, event });
  }
  return { digestSizes, events };
}

export function parseEventLog(buf: Uint8Array): EventLog {
  try {
    return parseInner(buf);
  } catch (e) {
    if (e instanceof AegisError && e.code === 'PARSE_TRUNCATED')
      throw new AegisError('TPM_EVENTLOG_INVALID', `the event log is truncated: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Replays the log for one bank: PCR := H(PCR ‖ digest) per event, from zero; EV_NO_ACTION events are not
 * extended, except that a StartupLocality event sets PCR 0's initial value to its locality (PFP §10.4.5.3).
 */
export function replayEventLog(log: EventLog, hash: number): PcrValue[] {
  const name = HASH_NAME[hash];
  const size = log.digestSizes.get(hash);
  if (name === undefined || size === undefined)
    fail('TPM_EVENTLOG_INVALID', `the event log has no bank 0x${hash.toString(16)}`);
  const pcrs = new Map<number, Uint8Array>();
  for (const e of log.events) {
    if (e.eventType === EV_NO_ACTION) {
      if (
        e.pcrIndex === 0 &&
        e.event.length === 17 &&
        bytesEqual(e.event.subarray(0, 16), STARTUP_LOCALITY) &&
        !pcrs.has(0)
      ) {
        const init = new Uint8Array(size);
        init[size - 1] = e.event[16] as number;
        pcrs.set(0, init);
      }
      continue;
    }
    const d = e.digests.find((x) => x.hashAlg === hash);
    if (d === undefined)
      fail(
        'TPM_EVENTLOG_INVALID',
        `an event for PCR ${e.pcrIndex} has no digest in bank 0x${hash.toString(16)}`,
      );
    const old = pcrs.get(e.pcrIndex) ?? new Uint8Array(size);
    pcrs.set(e.pcrIndex, new Uint8Array(createHash(name).update(old).update(d.digest).digest()));
  }
  return [...pcrs.entries()].sort((a, b) => a[0] - b[0]).map(([index, value]) => ({ hash, index, value }));
}

/**
 * Checks that quoted PCR values are explained by the event log: every quoted PCR of the bank must equal its
 * replayed value (zero if the log never touches it). Returns the PCRs that matched.
 */
export function checkEventLog(log: EventLog, quoted: readonly PcrValue[], hash: number): number[] {
  const replayed = replayEventLog(log, hash);
  const size = log.digestSizes.get(hash) as number;
  const bad: number[] = [];
  const ok: number[] = [];
  for (const q of quoted.filter((v) => v.hash === hash)) {
    const r = replayed.find((x) => x.index === q.index)?.value ?? new Uint8Array(size);
    (bytesEqual(r, q.value) ? ok : bad).push(q.index);
  }
  if (bad.length > 0)
    fail('TPM_EVENTLOG_MISMATCH', `the event log does not reproduce quoted PCR ${bad.join(', ')}`, {
      pcrs: bad,
      replayed: bad.map((i) => toHex(replayed.find((x) => x.index === i)?.value ?? new Uint8Array(size))),
    });
  return ok;
}

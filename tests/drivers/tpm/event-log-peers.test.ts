import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { checkEventLog, parseEventLog, replayEventLog } from '#attestation/tpm/event-log.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { buildEventLog, sampleEvents } from '../../attestation/tpm/event-log-builder.js';
import { haveSwtpm, haveTpm2Tools, startSwtpm, type Swtpm } from './swtpm.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Our event-log replay against two peers: tpm2_eventlog's computed PCRs and a real TPM extended event by event. */
describe.skipIf(!haveSwtpm())('event log replay against tpm2_eventlog and swtpm', () => {
  let sw: Swtpm;
  let dir: string;
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    dir = mkdtempSync(join(tmpdir(), 'aegis-eventlog-'));
  });
  afterAll(async () => {
    await sw?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!haveTpm2Tools())(
    'matches tpm2_eventlog for both banks (no StartupLocality: tpm2-tools 5.4 extends EV_NO_ACTION, unlike the PFP)',
    () => {
      {
        const bin = buildEventLog(sampleEvents);
        writeFileSync(join(dir, 'log.bin'), bin);
        const out = spawnSync('tpm2_eventlog', [join(dir, 'log.bin')], { encoding: 'utf8' }).stdout;
        const log = parseEventLog(bin);
        for (const [bank, alg] of [
          ['sha1', TPM_ALG.SHA1],
          ['sha256', TPM_ALG.SHA256],
        ] as const) {
          const section = out
            .slice(out.indexOf(`  ${bank}:`))
            .split('\n')
            .slice(1);
          const theirs = new Map<number, string>();
          for (const line of section) {
            const m = /^\s+(\d+)\s*: 0x([0-9a-fA-F]+)$/.exec(line);
            if (m === null) break;
            theirs.set(Number(m[1]), (m[2] as string).toLowerCase());
          }
          const ours = new Map(replayEventLog(log, alg).map((p) => [p.index, hex(p.value)]));
          expect(ours).toEqual(theirs);
        }
      }
    },
  );

  it('matches a TPM that was extended with the same events; a missing event is detected', async () => {
    const tpm = new Tpm2(await openTpmTransport(sw.spec));
    try {
      for (const e of sampleEvents) {
        await tpm.pcrExtend(e.pcr, [
          { hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(createHash('sha256').update(e.data).digest()) },
          { hashAlg: TPM_ALG.SHA1, digest: new Uint8Array(createHash('sha1').update(e.data).digest()) },
        ]);
      }
      const quoted = await tpm.pcrRead([{ hash: TPM_ALG.SHA256, pcrs: [0, 1, 4, 7] }]);
      expect(checkEventLog(parseEventLog(buildEventLog(sampleEvents)), quoted, TPM_ALG.SHA256)).toEqual([
        0, 1, 4, 7,
      ]);
      const short = parseEventLog(buildEventLog(sampleEvents.slice(0, 4)));
      expect(() => checkEventLog(short, quoted, TPM_ALG.SHA256)).toThrow(
        expect.objectContaining({ code: 'TPM_EVENTLOG_MISMATCH' }),
      );
    } finally {
      await tpm.close();
    }
  });
});

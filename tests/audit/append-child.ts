// Child process of crash.test.ts: appends in a loop until killed, printing "seq this_hash" for every append
// whose promise resolved (i.e. that the log reported durable).
import { AuditLog } from '#audit/log.js';
import { fromHex } from '#core/encoding.js';
import { signerFromSeeds } from '#crypto/seed-signer.js';

const [dir, edHex, pqHex] = process.argv.slice(2) as [string, string, string];
const log = await AuditLog.open({
  dir,
  signer: signerFromSeeds(fromHex(edHex), fromHex(pqHex), 'test'),
  checkpointEvery: 64,
});
process.stdout.write('ready\n');
let i = 0;
for (;;) {
  const batch = Array.from({ length: 8 }, () =>
    log
      .append({ kind: 'decision', tool: 'Bash', reason: `r${i++}`, data: { pad: 'x'.repeat(i % 300) } })
      .then((r) => {
        process.stdout.write(`${r.seq} ${r.this_hash}\n`);
      }),
  );
  await Promise.all(batch);
}

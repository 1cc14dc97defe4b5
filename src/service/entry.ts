// Node entry of the background daemon that the hook and `aegis daemon start` launch (= `aegis daemon run`).
// It loads only the service, engine and log, not the whole CLI, so a cold start answers sooner.
// Usage: node entry.js [--tcp [host:]port]
import { aegisHome } from '../appliance/home.js';
import { toAegisError } from '../core/errors.js';
import { guardDaemonProcess, parseTcp, startDaemon } from './daemon.js';
import { openEngine } from '../appliance/engine.js';

try {
  const i = process.argv.indexOf('--tcp');
  const tcp = parseTcp(i > 0 ? process.argv[i + 1] : undefined);
  const home = aegisHome(process.env);
  const d = await startDaemon({
    home,
    env: process.env,
    decider: await openEngine(home, process.env),
    ...(tcp === undefined ? {} : { tcp }),
    log: (l) => process.stderr.write(l + '\n'),
  });
  guardDaemonProcess(d, (l) => process.stderr.write(l + '\n'));
  await d.closed;
  // The log is closed and checkpointed; do not wait for idle library handles (crypto workers).
  process.exit(0);
} catch (e) {
  const err = toAegisError(e);
  process.stderr.write(`aegis: ${err.code}: ${err.message}\n`);
  process.exit(2);
}

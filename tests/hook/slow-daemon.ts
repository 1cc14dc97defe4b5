// A daemon process whose engine takes 5 s for the tool "Slow", so a test can kill it mid-request.
// Run: node --import tsx tests/hook/slow-daemon.ts (AEGIS_HOME in the environment).
import { aegisHome } from '#appliance/home.js';
import { startDaemon } from '#service/daemon.js';
import { scriptedDecider } from '../service/helpers.js';

const d = await startDaemon({
  home: aegisHome(process.env),
  env: process.env,
  decider: {
    name: 'slow test decider',
    async decide(e) {
      if (e.kind === 'tool_call' && e.toolName === 'Slow') await new Promise((r) => setTimeout(r, 5000));
      return scriptedDecider.decide(e);
    },
  },
});
process.stdout.write('ready\n');
await d.closed;
process.exit(0);

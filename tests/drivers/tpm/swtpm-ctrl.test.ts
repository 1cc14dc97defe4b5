import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlTarget, openTpmTransport, parseTpmLocation } from '#drivers/tpm/open.js';
import type { SocketTarget } from '#drivers/tpm/socket-transport.js';
import { swtpmCapabilities, swtpmInit, swtpmShutdown } from '#drivers/tpm/swtpm-ctrl.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, startSwtpm, type Swtpm } from './swtpm.js';

function ctrlOf(sw: Swtpm): SocketTarget {
  const loc = parseTpmLocation(sw.spec);
  if (loc.kind !== 'socket') throw new Error('socket expected');
  return controlTarget(loc.target);
}

for (const kind of ['tcp', 'unix'] as const) {
  describe.skipIf(!haveSwtpm())(`swtpm control channel over ${kind}`, () => {
    let sw: Swtpm;
    beforeAll(async () => {
      sw = await startSwtpm(kind, { initialised: false });
    });
    afterAll(async () => {
      await sw?.stop();
    });

    it('an uninitialised swtpm fails commands until CMD_INIT and TPM2_Startup; CMD_SHUTDOWN stops it', async () => {
      expect(await swtpmCapabilities(ctrlOf(sw))).toBeGreaterThan(0);
      const tpm = new Tpm2(await openTpmTransport(sw.spec));
      try {
        await expect(tpm.getRandom(8)).rejects.toMatchObject({ code: 'TPM_RC_FAILURE' });
        await swtpmInit(ctrlOf(sw));
        await expect(tpm.getRandom(8)).rejects.toMatchObject({ code: 'TPM_RC_INITIALIZE' });
        await tpm.startup();
        expect((await tpm.getRandom(8)).length).toBe(8);
      } finally {
        await tpm.close();
      }
      await swtpmShutdown(ctrlOf(sw));
      // the process exits shortly after answering; poll until nothing listens any more
      let code = '';
      for (let i = 0; i < 40 && code === ''; i++) {
        try {
          await (await openTpmTransport(sw.spec)).close();
          await new Promise((r) => setTimeout(r, 50));
        } catch (e) {
          code = (e as { code: string }).code;
        }
      }
      expect(code).toBe('TPM_NOT_PRESENT');
    });
  });
}

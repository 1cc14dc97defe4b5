import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlTarget, parseTpmLocation } from '#drivers/tpm/open.js';
import { swtpmInit } from '#drivers/tpm/swtpm-ctrl.js';
import { openTpm } from '#appliance/devices.js';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { sha256 } from '#crypto/hash.js';
import { haveSwtpm, startSwtpm, type Swtpm } from '../drivers/tpm/swtpm.js';
import { runCli } from '../helpers/cli.js';
import { daemonHomes } from '../helpers/daemon-homes.js';
import { installHook, runHook } from '../helpers/installed-hook.js';
import { readLogRecords } from '../helpers/log-records.js';

/** The platform's roots in the band: the home's TPM (clock and reset counts) and its evidence bundle (TEE facts). */
describe.skipIf(!haveSwtpm())(
  'hardware band from the TPM and the evidence bundle (swtpm, simulated TDX)',
  () => {
    let tpm: Swtpm;
    const newHome = daemonHomes();
    beforeAll(async () => {
      tpm = await startSwtpm();
    });
    afterAll(async () => {
      await tpm?.stop();
    });

    it('probe names tpm and evidence as sources; a PCR change (hw.tpm-policy) and a TPM reset (hw.tpm-reset) between calls of a session ask', async () => {
      const h = newHome('hwp', { AEGIS_HW: 'auto', AEGIS_JUDGE: 'off' });
      // A home without keys, so init seals new ones in the TPM (the PolicyPCR the band checks).
      rmSync(join(h.root, 'keys'), { recursive: true, force: true });
      const init = await runCli(['init', '--tpm', tpm.spec, '--tee', 'sim', '--json'], h.env);
      expect((JSON.parse(init.stdout) as { key_backend: string }).key_backend).toBe('tpm-sealed');
      expect(init.code, init.stderr).toBe(0);
      const probe = JSON.parse((await runCli(['hw', 'probe', '--json'], h.env)).stdout) as {
        subfields: Array<{ name: string; available: boolean; source: string[] }>;
      };
      const sf = (n: string): { available: boolean; source: string[] } | undefined =>
        probe.subfields.find((s) => s.name === n);
      expect(sf('atmu_anomaly')).toMatchObject({ available: true });
      expect(sf('atmu_anomaly')?.source).toEqual(expect.arrayContaining(['tpm', 'evidence']));
      expect(sf('hypervisor_signals')?.source).toContain('evidence');

      const shim = await installHook(h.env, h.root);
      const hook = (command: string): string =>
        runHook(
          shim,
          {
            session_id: 'S',
            cwd: '/work/proj',
            hook_event_name: 'PreToolUse',
            tool_name: 'Bash',
            tool_input: { command },
          },
          h.env,
        );
      const asks = (command: string, rule: string): void => {
        const out = JSON.parse(hook(command)) as { hookSpecificOutput: { permissionDecision: string } };
        expect(out.hookSpecificOutput.permissionDecision).toBe('ask');
        expect(
          readLogRecords(join(h.root, 'log'))
            .filter((x) => x.kind === 'decision')
            .at(-1)?.rules[0],
        ).toBe(rule);
      };
      // Different commands: the same call three times would be a loop (step 336) before step 337 sees the band.
      expect(hook('ls -la')).toBe(''); // allowed, silent
      // A PCR of the sealed keys' policy changes while the appliance runs: the keys would no longer unseal.
      const t = await openTpm(tpm.spec);
      await t.pcrExtend(7, [{ hashAlg: TPM_ALG.SHA256, digest: sha256('secure boot state changed') }]);
      await t.close();
      await new Promise((r) => setTimeout(r, 6500)); // the daemon samples the TPM every 5 s
      asks('ls -l', 'hw.tpm-policy');
      const loc = parseTpmLocation(tpm.spec);
      if (loc.kind !== 'socket') throw new Error('socket TPM expected');
      await swtpmInit(controlTarget(loc.target)); // power cycle: the next Startup(CLEAR) is a TPM Reset (PCRs back too)
      await new Promise((r) => setTimeout(r, 6500));
      asks('ls', 'hw.tpm-reset');
      await runCli(['daemon', 'stop'], h.env);
      const last = readLogRecords(join(h.root, 'log'))
        .filter((x) => x.kind === 'decision')
        .at(-1);
      expect(last?.rules[0]).toBe('hw.tpm-reset');
      expect(last?.data?.['hw_sources']).toEqual(
        expect.arrayContaining(['tpm', 'evidence', 'perf_event_open', 'procfs']),
      );
    });
  },
);

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homePublicKeys } from '#appliance/audit-log.js';
import { aegisHome } from '#appliance/home.js';
import { verifyAuditLog } from '#audit/verify.js';
import { preToolUseEvent, sessionStartEvent } from '#hook/events.js';
import { execShim } from '#hook/exec-shim.js';
import { install, uninstall } from '#hook/installer.js';
import { stopDaemon } from '#service/launcher.js';
import { daemonPaths } from '#service/paths.js';
import { runCli } from '../helpers/cli.js';

describe('install → Claude Code runs the hook → approve → uninstall → the log verifies', () => {
  it('works end to end with the command written into settings.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ae-flow-'));
    const env: Record<string, string> = { AEGIS_HOME: join(dir, 'a'), HOME: join(dir, 'home') };
    mkdirSync(join(dir, 'home', 'proj'), { recursive: true });
    const home = aegisHome(env);
    try {
      const r = install({ env });
      const settings = JSON.parse(readFileSync(r.settings, 'utf8')) as {
        hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
      };
      const command = settings.hooks['PreToolUse']?.[0]?.hooks[0]?.command as string;
      const shellEnv = { PATH: process.env['PATH'], ...env };
      const ctx = { sessionId: 'flow', cwd: join(dir, 'home', 'proj') };

      // Cold: no daemon yet; the shim's fallback starts it.
      const start = await execShim(command, sessionStartEvent(ctx), shellEnv);
      expect(start.exit).toBe(0);
      const blocked = await execShim(
        command,
        preToolUseEvent(ctx, 'Read', { file_path: '/etc/shadow' }),
        shellEnv,
      );
      expect(JSON.parse(blocked.stdout).hookSpecificOutput.permissionDecision).toBe('deny');

      // The loop detector asks on the third identical call; approving it lets the next one through.
      let asked = '';
      for (let i = 0; i < 3; i++)
        asked = (await execShim(command, preToolUseEvent(ctx, 'Bash', { command: 'npm test' }), shellEnv))
          .stdout;
      const trace = /aegis approve ([0-9a-f]{12})/.exec(asked)?.[1] ?? '';
      expect(trace).not.toBe('');
      expect((await runCli(['approve', trace, '--session'], env)).code).toBe(0);
      expect(
        (await execShim(command, preToolUseEvent(ctx, 'Bash', { command: 'npm test' }), shellEnv)).stdout,
      ).toBe('');

      expect((await runCli(['daemon', 'stop'], env)).code).toBe(0);
      uninstall({ env });
      const keys = homePublicKeys(home);
      const report = await verifyAuditLog({
        dir: home.log,
        ...(keys === undefined ? {} : { expectedKeys: keys }),
      });
      expect(report.ok).toBe(true);
      expect(report.records).toBeGreaterThanOrEqual(8);
    } finally {
      await stopDaemon(daemonPaths(home));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

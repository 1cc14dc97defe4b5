import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempHome } from './helpers.js';

describe('aegis daemon start|status|stop (real detached daemon with the firewall engine)', () => {
  it('starts, reports, refuses nothing twice, stops cleanly', async () => {
    const t = tempHome('cli');
    try {
      const before = await runCli(['daemon', 'status', '--json'], t.env);
      expect(before.code).toBe(1);
      expect(JSON.parse(before.stdout)).toMatchObject({ ok: false, running: false });

      const start = await runCli(['daemon', 'start', '--json'], t.env);
      expect(start.code).toBe(0);
      const st = JSON.parse(start.stdout) as Record<string, unknown>;
      expect(st['engine']).toBe('aegis firewall');
      expect(String(st['audit'])).toContain('signed audit log');

      // Starting again is a no-op that reports the running daemon.
      const again = await runCli(['daemon', 'start', '--json'], t.env);
      expect((JSON.parse(again.stdout) as Record<string, unknown>)['pid']).toBe(st['pid']);

      const human = await runCli(['daemon', 'status'], t.env);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('fail policy  deny');

      const stop = await runCli(['daemon', 'stop', '--json'], t.env);
      expect(JSON.parse(stop.stdout)).toEqual({ ok: true, stopped: true });
      expect((await runCli(['daemon', 'status'], t.env)).code).toBe(1);
      expect((await runCli(['daemon', 'stop'], t.env)).stdout).toContain('was not running');
      expect((await runCli(['daemon', 'start', '--tcp', 'nope'], t.env)).code).toBe(2);
    } finally {
      await runCli(['daemon', 'stop'], t.env);
      t.cleanup();
    }
  });

  it('a bad AEGIS_TOKEN_BUDGET stops the daemon from starting (TOKEN_BUDGET_INVALID), as it stops evaluate', async () => {
    const t = tempHome('budget');
    try {
      for (const bad of ['lots', '-5', '0', '1.5']) {
        const ev = await runCli(['evaluate', '--tool', 'Bash', '--input', '{"command":"ls"}'], {
          ...t.env,
          AEGIS_TOKEN_BUDGET: bad,
        });
        expect(ev.code, bad).toBe(2);
        expect(ev.stderr).toContain('TOKEN_BUDGET_INVALID');
      }
      const r = await runCli(['daemon', 'start'], { ...t.env, AEGIS_TOKEN_BUDGET: 'lots' });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('TOKEN_BUDGET_INVALID');
      expect((await runCli(['daemon', 'status'], t.env)).code).toBe(1);
    } finally {
      await runCli(['daemon', 'stop'], t.env);
      t.cleanup();
    }
  });

  it('without audit keys the daemon cannot start, and says where to look', async () => {
    const t = tempHome('nokey');
    try {
      const { rmSync } = await import('node:fs');
      rmSync(t.home.keys, { recursive: true, force: true });
      const r = await runCli(['daemon', 'start'], { ...t.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('DAEMON_START_FAILED');
      // The reason names the cause from the daemon's own log.
      expect(r.stderr).toContain('KEY_NOT_FOUND');
    } finally {
      t.cleanup();
    }
  });
});

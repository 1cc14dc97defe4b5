import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '#service/daemon.js';
import { runCli } from '../helpers/cli.js';
import { preToolUse, scriptedDecider, tempHome } from '../service/helpers.js';

describe('aegis hook (the in-process path)', () => {
  it('asks the daemon when it runs', async () => {
    const t = tempHome('hc');
    const d = await startDaemon({ home: t.home, env: t.env, decider: scriptedDecider });
    try {
      const f = join(t.home.root, 'ev.json');
      writeFileSync(f, preToolUse('rm -rf /'));
      const r = await runCli(['hook', '--input', f], t.env);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    } finally {
      await d.close();
      t.cleanup();
    }
  });

  it('without a daemon and --no-start: the fail policy answers; unreadable input exits 2', async () => {
    const t = tempHome('hn');
    try {
      const f = join(t.home.root, 'ev.json');
      writeFileSync(f, preToolUse('ls'));
      const r = await runCli(['hook', '--input', f, '--no-start'], t.env);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
      writeFileSync(f, '\u0000\u0001garbage');
      const g = await runCli(['hook', '--input', f, '--no-start'], t.env);
      expect(g.code).toBe(2);
      expect(g.stderr).toContain('fail policy');
      const missing = await runCli(['hook', '--input', join(t.home.root, 'nope.json'), '--no-start'], t.env);
      expect(missing.code).toBe(2);
    } finally {
      t.cleanup();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { runHook } from '#hook/run.js';
import { stopDaemon } from '#service/launcher.js';
import { daemonPaths } from '#service/paths.js';
import { preToolUse, tempHome } from '../service/helpers.js';

describe('cold start under concurrency', () => {
  it('parallel hook calls with no daemon all get a real answer from one daemon', async () => {
    const t = tempHome('race');
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    try {
      const answers = await Promise.all(
        ['git status', 'ls', 'rm -rf /', 'cat README.md'].map((c, i) =>
          runHook(enc(preToolUse(c, `race-${i}`)), { env: { ...process.env, ...t.env } }),
        ),
      );
      for (const a of answers) expect(a.stdout).not.toContain('could not decide');
      expect(JSON.parse(answers[2]?.stdout ?? '{}').hookSpecificOutput?.permissionDecision).toBe('deny');
    } finally {
      await stopDaemon(daemonPaths(t.home));
      t.cleanup();
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePublicKeys } from '#appliance/audit-log.js';
import { verifyAuditLog } from '#audit/verify.js';
import { renderShim } from '#hook/shim.js';
import { startDaemon, type RunningDaemon } from '#service/daemon.js';
import { daemonStatus, stopDaemon } from '#service/launcher.js';
import { daemonPaths } from '#service/paths.js';
import { hookFallbackCommand } from '#service/self-command.js';
import { repoRoot } from '../helpers/fixtures.js';
import { preToolUse, scriptedDecider, tempHome } from '../service/helpers.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the shim the way Claude Code does: a command with the event on stdin (asynchronously, so an in-process daemon can answer). */
function runShim(
  shim: string,
  input: string | Uint8Array,
  env: Record<string, string>,
  onSpawn?: (c: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn('/bin/sh', ['-c', shim], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
    c.stdin.on('error', () => undefined);
    c.stdin.end(input);
    onSpawn?.(c);
  });
}

function writeShim(root: string, fallback = hookFallbackCommand()): string {
  const path = join(root, 'aegis-hook');
  writeFileSync(path, renderShim({ home: root, fallback }));
  chmodSync(path, 0o700);
  return path;
}

const permission = (r: Run): string | undefined =>
  r.stdout.trim() === ''
    ? undefined
    : (JSON.parse(r.stdout) as { hookSpecificOutput?: { permissionDecision?: string } }).hookSpecificOutput
        ?.permissionDecision;

describe('hook shim (POSIX sh + curl) with the daemon warm', () => {
  const t = tempHome('s');
  let d: RunningDaemon;
  let shim: string;
  beforeAll(async () => {
    d = await startDaemon({ home: t.home, env: t.env, decider: scriptedDecider });
    shim = writeShim(t.home.root, ['/nonexistent/node-fallback']);
  });
  afterAll(async () => {
    await d.close();
    t.cleanup();
  });

  it('replays the daemon answer: allow silent, deny, ask; exit 0; no temp files left', async () => {
    const allow = await runShim(shim, preToolUse('ls'), t.env);
    expect(allow).toEqual({ code: 0, stdout: '', stderr: '' });
    const deny = await runShim(shim, preToolUse('rm -rf /'), t.env);
    expect(deny.code).toBe(0);
    expect(permission(deny)).toBe('deny');
    expect(permission(await runShim(shim, preToolUse('git push'), t.env))).toBe('ask');
    // The daemon removes the shim's stdin copy once it has answered.
    for (let i = 0; i < 50 && readdirSync(t.home.state).some((n) => n.startsWith('hook.')); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(t.home.state).filter((n) => n.startsWith('hook.'))).toEqual([]);
  });

  it('garbage stdin: exit 2 with the recovery hint (blocks), binary passes through intact', async () => {
    const r = await runShim(shim, Uint8Array.of(0, 1, 2, 0xff, 0x0a, 0x00), t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('aegis install --rescue');
  });
});

describe('hook shim without a daemon', () => {
  it('cold path: the Node fallback starts the daemon, which answers; later calls take the fast path', async () => {
    const t = tempHome('c');
    const shim = writeShim(t.home.root);
    const paths = daemonPaths(t.home);
    try {
      const r = await runShim(shim, preToolUse('ls'), t.env);
      // The stand-in engine (no firewall engine in this daemon) asks; the point is that a real daemon answered.
      expect(r.code).toBe(0);
      expect(['ask', undefined]).toContain(permission(r));
      expect(r.stdout).not.toContain('could not decide');
      expect(await daemonStatus(paths)).toBeDefined();
      const warm = await runShim(shim, preToolUse('ls'), t.env);
      expect(warm.stdout).not.toContain('could not decide');
    } finally {
      await stopDaemon(paths);
      t.cleanup();
    }
  });

  it('when even the fallback cannot run, the shim blocks (exit 2), never allows', async () => {
    const t = tempHome('n');
    try {
      const shim = writeShim(t.home.root, ['/nonexistent/node-fallback']);
      const r = await runShim(shim, preToolUse('ls'), t.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('aegis daemon start');
    } finally {
      t.cleanup();
    }
  });

  it('fail policy without a daemon and with starting disabled: deny by default, ask when configured', async () => {
    const t = tempHome('p');
    try {
      const shim = writeShim(t.home.root);
      const env = { ...t.env, AEGIS_HOOK_START_DAEMON: '0' };
      const r = await runShim(shim, preToolUse('ls'), env);
      expect(r.code).toBe(0);
      expect(permission(r)).toBe('deny');
      expect(r.stdout).toContain('aegis daemon start');
      writeFileSync(t.home.config, JSON.stringify({ hook: { failPolicy: 'ask' } }));
      expect(permission(await runShim(shim, preToolUse('ls'), env))).toBe('ask');
      expect(permission(await runShim(shim, preToolUse('ls'), { ...env, AEGIS_FAIL_POLICY: 'deny' }))).toBe(
        'deny',
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('killing the daemon mid-request', () => {
  async function slowDaemon(env: Record<string, string>): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'tests', 'hook', 'slow-daemon.ts')],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) resolve();
      });
      child.on('exit', () => reject(new Error('slow daemon exited early')));
    });
    return child;
  }
  const slowCall = JSON.stringify({
    session_id: 's',
    hook_event_name: 'PreToolUse',
    tool_name: 'Slow',
    tool_input: { x: 1 },
  });

  it('the hook still answers by the fail policy, and the log still verifies', async () => {
    const t = tempHome('k');
    try {
      const env = { ...t.env, AEGIS_HOOK_START_DAEMON: '0' };
      const child = await slowDaemon(t.env);
      const shim = writeShim(t.home.root);
      const r = await runShim(shim, slowCall, env, () => setTimeout(() => child.kill('SIGKILL'), 700));
      expect(r.code).toBe(0);
      expect(permission(r)).toBe('deny');
      expect(r.stdout).toContain('could not decide');
      // The next daemon recovers the log (torn tail set aside, if any) and the whole log verifies.
      const d = await startDaemon({ home: t.home, env: t.env, decider: scriptedDecider });
      await d.close();
      const keys = homePublicKeys(t.home);
      const report = await verifyAuditLog({
        dir: t.home.log,
        ...(keys === undefined ? {} : { expectedKeys: keys }),
      });
      expect(report.first_error).toBeNull();
      expect(report.ok).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('with restarting allowed, the fallback brings a new daemon up and gets a real answer', async () => {
    const t = tempHome('r');
    const paths = daemonPaths(t.home);
    try {
      const child = await slowDaemon(t.env);
      const shim = writeShim(t.home.root);
      const r = await runShim(shim, slowCall, t.env, () => setTimeout(() => child.kill('SIGKILL'), 700));
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('could not decide');
      expect(existsSync(paths.socket)).toBe(true);
    } finally {
      await stopDaemon(paths);
      t.cleanup();
    }
  });
});

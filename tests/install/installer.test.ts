import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { install, uninstall } from '#hook/installer.js';
import { AEGIS_EVENTS } from '#hook/settings.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let env: Record<string, string>;
let settings: string;

const read = (): Record<string, unknown> =>
  JSON.parse(readFileSync(settings, 'utf8')) as Record<string, unknown>;
const backups = (): string[] => readdirSync(join(dir, '.claude')).filter((n) => n.includes('.aegis-backup-'));
const hooksOf = (
  s: Record<string, unknown>,
): Record<string, Array<{ matcher?: string; hooks: Array<{ command: string; timeout?: number }> }>> =>
  s['hooks'] as Record<
    string,
    Array<{ matcher?: string; hooks: Array<{ command: string; timeout?: number }> }>
  >;
const userHooks = {
  PreToolUse: [
    { matcher: 'Bash', hooks: [{ type: 'command', command: '/usr/local/bin/my-lint', timeout: 5 }] },
  ],
  Notification: [{ hooks: [{ type: 'command', command: 'notify-send hi' }] }],
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ae-inst-'));
  env = { AEGIS_HOME: join(dir, 'aegis'), HOME: dir };
  settings = join(dir, '.claude', 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('aegis install --target claude-code', () => {
  it('fresh: creates the settings file, the shim and audit keys; no backup needed', () => {
    const r = install({ env });
    expect(r.settings).toBe(settings);
    expect(r.backup).toBeNull();
    const hooks = hooksOf(read());
    for (const { event, matcher } of AEGIS_EVENTS) {
      expect(hooks[event]).toHaveLength(1);
      expect(hooks[event]?.[0]?.matcher).toBe(matcher);
      expect(hooks[event]?.[0]?.hooks[0]).toEqual({
        type: 'command',
        command: join(dir, 'aegis', 'bin', 'aegis-hook'),
        timeout: 30,
      });
    }
    const shim = readFileSync(r.shim, 'utf8');
    expect(shim.startsWith('#!/bin/sh')).toBe(true);
    expect(statSync(r.shim).mode & 0o100).toBe(0o100);
    expect(existsSync(join(dir, 'aegis', 'keys'))).toBe(true);
    expect(r.changes.some((c) => c.startsWith('created audit keys'))).toBe(true);
  });

  it('existing user hooks and settings are preserved; a timestamped backup holds the original', () => {
    mkdirSync(join(dir, '.claude'));
    const original = { model: 'opus', permissions: { deny: ['Read(./.env)'] }, hooks: userHooks };
    writeFileSync(settings, JSON.stringify(original, null, 4));
    const r = install({ env, now: new Date('2026-11-26T10:00:00.123Z') });
    expect(r.backup).toBe(`${settings}.aegis-backup-20261126T100000123Z`);
    expect(JSON.parse(readFileSync(r.backup as string, 'utf8'))).toEqual(original);
    const s = read();
    expect(s['model']).toBe('opus');
    expect(s['permissions']).toEqual(original.permissions);
    const hooks = hooksOf(s);
    expect(hooks['PreToolUse']?.[0]).toEqual(userHooks.PreToolUse[0]);
    expect(hooks['PreToolUse']).toHaveLength(2);
    expect(hooks['Notification']).toEqual(userHooks.Notification);
  });

  it('refuses invalid JSON and changes nothing', () => {
    mkdirSync(join(dir, '.claude'));
    writeFileSync(settings, '{ "hooks": { ,, }');
    expect(() => install({ env })).toThrow(expect.objectContaining({ code: 'SETTINGS_INVALID_JSON' }));
    expect(readFileSync(settings, 'utf8')).toBe('{ "hooks": { ,, }');
    expect(backups()).toEqual([]);
    writeFileSync(settings, '{"hooks": []}');
    expect(() => install({ env })).toThrow(expect.objectContaining({ code: 'SETTINGS_UNEXPECTED_SHAPE' }));
  });

  it('repeated install is idempotent: no duplicate hooks, no new backup', () => {
    install({ env });
    const first = readFileSync(settings, 'utf8');
    const again = install({ env });
    expect(again.changed).toBe(false);
    expect(again.backup).toBeNull();
    expect(readFileSync(settings, 'utf8')).toBe(first);
    expect(backups()).toEqual([]);
  });

  it('hooks from another Aegis location conflict unless --force', () => {
    install({ env });
    const other = { ...env, AEGIS_HOME: join(dir, 'other-home') };
    expect(() => install({ env: other })).toThrow(expect.objectContaining({ code: 'INSTALL_CONFLICT' }));
    install({ env: other, force: true });
    const pre = hooksOf(read())['PreToolUse'] ?? [];
    expect(pre).toHaveLength(1);
    expect(pre[0]?.hooks[0]?.command).toBe(join(dir, 'other-home', 'bin', 'aegis-hook'));
  });

  it('--scope project writes a portable "$HOME/…" command (the file is shared through the repository)', () => {
    const proj = join(dir, 'p2');
    mkdirSync(proj);
    const r = install({ env, scope: 'project', cwd: proj });
    const cmd = hooksOf(JSON.parse(readFileSync(r.settings, 'utf8')) as Record<string, unknown>)[
      'PreToolUse'
    ]?.[0]?.hooks[0]?.command;
    expect(cmd).toBe('"$HOME/aegis/bin/aegis-hook"');
    expect(install({ env, scope: 'project', cwd: proj }).changed).toBe(false);
    uninstall({ env, scope: 'project', cwd: proj });
    expect(JSON.parse(readFileSync(r.settings, 'utf8'))).toEqual({});
  });

  it('--scope project and --settings pick the file', () => {
    const proj = join(dir, 'proj');
    mkdirSync(proj);
    expect(install({ env, scope: 'project', cwd: proj }).settings).toBe(
      join(proj, '.claude', 'settings.json'),
    );
    expect(install({ env, settings: 'x/local.json', cwd: proj }).settings).toBe(
      join(proj, 'x', 'local.json'),
    );
  });
});

describe('aegis uninstall and install --rescue', () => {
  it('uninstall removes exactly the Aegis hooks and the shim; user hooks stay', () => {
    mkdirSync(join(dir, '.claude'));
    const original = { model: 'opus', hooks: userHooks };
    writeFileSync(settings, JSON.stringify(original));
    const r0 = install({ env });
    const r = uninstall({ env });
    expect(r.changes.filter((c) => c.startsWith('removed the Aegis'))).toHaveLength(AEGIS_EVENTS.length);
    expect(read()).toEqual(original);
    expect(existsSync(r0.shim)).toBe(false);
    expect(r.backup).not.toBeNull();
    expect(uninstall({ env }).changed).toBe(false);
  });

  it('uninstall of a fresh install leaves an empty settings object (hooks key dropped)', () => {
    install({ env });
    uninstall({ env });
    expect(read()).toEqual({});
  });

  it('rescue on valid settings removes every Aegis hook, wherever its shim lives', () => {
    install({ env });
    const s = read();
    const pre = hooksOf(s)['PreToolUse'];
    pre?.push({ matcher: '*', hooks: [{ command: '/opt/elsewhere/aegis-hook' }] });
    writeFileSync(settings, JSON.stringify(s));
    const r = uninstall({ env, rescue: true });
    expect(r.changed).toBe(true);
    expect(read()).toEqual({});
  });

  it('rescue on broken JSON restores the newest valid backup, keeps the broken file, strips Aegis', () => {
    mkdirSync(join(dir, '.claude'));
    writeFileSync(settings, JSON.stringify({ theme: 'dark', hooks: userHooks }));
    install({ env, now: new Date('2026-11-26T10:00:00Z') });
    writeFileSync(settings, '{"theme": "dark", "hooks": {');
    expect(() => uninstall({ env })).toThrow(expect.objectContaining({ code: 'SETTINGS_INVALID_JSON' }));
    const r = uninstall({ env, rescue: true, now: new Date('2026-11-26T11:00:00Z') });
    expect(read()).toEqual({ theme: 'dark', hooks: userHooks });
    expect(readFileSync(`${settings}.aegis-broken-20261126T110000000Z`, 'utf8')).toBe(
      '{"theme": "dark", "hooks": {',
    );
    expect(r.changes[0]).toContain('restored');
  });

  it('rescue without any valid backup refuses with a stable code', () => {
    mkdirSync(join(dir, '.claude'));
    writeFileSync(settings, 'nope');
    expect(() => uninstall({ env, rescue: true })).toThrow(
      expect.objectContaining({ code: 'RESCUE_NO_BACKUP' }),
    );
  });
});

describe('CLI verbs', () => {
  it('install / uninstall print what changed; --json is machine-readable; errors exit 2 with the code', async () => {
    const a = await runCli(['install', '--target', 'claude-code', '--settings', settings], env);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('added the PreToolUse hook');
    const b = await runCli(['install', '--settings', settings, '--json'], env);
    expect(JSON.parse(b.stdout)).toMatchObject({ ok: true, changed: false });
    const c = await runCli(['uninstall', '--settings', settings], env);
    expect(c.stdout).toContain('removed the Aegis PreToolUse hook');
    writeFileSync(settings, '{');
    const d = await runCli(['install', '--settings', settings], env);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('SETTINGS_INVALID_JSON');
    const e = await runCli(['install', '--target', 'cursor'], env);
    expect(e.code).toBe(2);
  });

  it('approve without a daemon says so; a malformed trace is a usage error', async () => {
    expect((await runCli(['approve', 'abc'], env)).code).toBe(2);
    const r = await runCli(['approve', '0123456789ab', '--session'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DAEMON_NOT_RUNNING');
    expect((await runCli(['approve', '0123456789ab', '--once', '--always'], env)).stderr).toContain('USAGE');
  });
});

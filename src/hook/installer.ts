import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { aegisHome, ensureHome } from '../appliance/home.js';
import { writeFileKeys } from '../crypto/key-files.js';
import { keyBackend } from '../appliance/keys.js';
import { isJsonObject, type JsonObject } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';
import { hookFallbackCommand } from '../service/self-command.js';
import { addAegisHooks, isAegisCommand, removeAegisHooks } from './settings.js';
import { renderShim, shQuote } from './shim.js';

/**
 * `aegis install|uninstall --target claude-code`: writes the shim, edits the Claude Code settings file with
 * a timestamped backup, refuses invalid JSON, is idempotent, and reports every change.
 */
export interface InstallOptions {
  env: NodeJS.ProcessEnv;
  /** Explicit settings file; otherwise chosen by scope. */
  settings?: string;
  scope?: 'user' | 'project';
  cwd?: string;
  force?: boolean;
  now?: Date;
}

export interface InstallReport {
  settings: string;
  shim: string;
  changed: boolean;
  backup: string | null;
  changes: string[];
}

export function settingsPath(o: InstallOptions): string {
  if (o.settings !== undefined) return resolve(o.cwd ?? process.cwd(), o.settings);
  if (o.scope === 'project') return join(resolve(o.cwd ?? process.cwd()), '.claude', 'settings.json');
  return join(o.env['HOME'] ?? homedir(), '.claude', 'settings.json');
}

export function shimPath(env: NodeJS.ProcessEnv): string {
  return join(aegisHome(env).root, 'bin', 'aegis-hook');
}

/**
 * The settings' handler command for a shim path (quoted only when the path needs it). A project settings file
 * is shared through the repository, so there a shim under the home directory is written as "$HOME/…" (Claude
 * Code runs the command through a shell), which works for every teammate who ran `aegis install`.
 */
export function hookCommandFor(shim: string, opts: { portableHome?: string } = {}): string {
  const home = opts.portableHome;
  if (home !== undefined && shim.startsWith(home + '/')) {
    const rel = shim.slice(home.length + 1);
    if (/^[A-Za-z0-9_./-]+$/.test(rel)) return `"$HOME/${rel}"`;
  }
  return /^[A-Za-z0-9_./-]+$/.test(shim) ? shim : shQuote(shim);
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** Reads the settings; absent → {}. Invalid JSON is refused, never overwritten. */
function readSettings(path: string): { value: JsonObject; existed: boolean } {
  if (!existsSync(path)) return { value: {}, existed: false };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail('FILE_UNREADABLE', `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text.trim() === '') return { value: {}, existed: true };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return fail(
      'SETTINGS_INVALID_JSON',
      `${path} is not valid JSON; nothing was changed. Fix it, or run \`aegis install --rescue\` to restore the last backup`,
    );
  }
  if (!isJsonObject(v))
    fail('SETTINGS_UNEXPECTED_SHAPE', `${path} does not hold a JSON object; nothing was changed`);
  return { value: v, existed: true };
}

function backup(path: string, now: Date, tag = 'aegis-backup'): string {
  const to = `${path}.${tag}-${stamp(now)}`;
  copyFileSync(path, to);
  chmodSync(to, 0o600);
  return to;
}

/** Writes via a temp file and rename, so a crash never leaves a half-written settings file. */
function writeAtomic(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.aegis-tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

function modeOf(path: string): number {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return 0o600;
  }
}

export function install(o: InstallOptions): InstallReport {
  const now = o.now ?? new Date();
  const path = settingsPath(o);
  const shim = shimPath(o.env);
  const command = hookCommandFor(
    shim,
    o.scope === 'project' && o.settings === undefined ? { portableHome: o.env['HOME'] ?? homedir() } : {},
  );
  const { value, existed } = readSettings(path);

  // Aegis hooks from another install location would run twice; replace them only when asked to.
  const others = removeAegisHooks(value, (c) => isAegisCommand(c) && c !== command);
  if (others.changes.length > 0 && o.force !== true)
    fail(
      'INSTALL_CONFLICT',
      `${path} already has Aegis hooks pointing at another shim; re-run with --force to replace them`,
    );
  const added = addAegisHooks(others.settings, command);
  const changes = [...others.changes, ...added.changes];

  // The shim is rewritten every time (cheap), so a moved checkout or new Node is picked up.
  const shimText = renderShim({ home: aegisHome(o.env).root, fallback: hookFallbackCommand(o.env) });
  const shimChanged = !existsSync(shim) || readFileSync(shim, 'utf8') !== shimText;
  if (shimChanged) {
    mkdirSync(dirname(shim), { recursive: true, mode: 0o700 });
    writeAtomic(shim, shimText, 0o700);
    chmodSync(shim, 0o700);
    changes.unshift(`wrote the hook shim ${shim}`);
  }

  // The daemon cannot log (and so cannot decide) without audit keys; plain key files as a first step,
  // `aegis keys migrate` seals them in a TPM later (DESIGN.md, Evidence flow).
  const home = aegisHome(o.env);
  // Keys sealed in a TPM (aegis init with a TPM) count: never write clear keys next to them.
  if (keyBackend(home) === undefined) {
    ensureHome(home, ['keys']);
    const k = writeFileKeys(home.keys);
    changes.push(
      `created audit keys in ${home.keys} (ed25519 ${k.ed25519.fingerprint}, ml-dsa-65 ${k.mldsa.fingerprint})`,
    );
  }

  let bak: string | null = null;
  if (added.changes.length > 0 || others.changes.length > 0) {
    if (existed) bak = backup(path, now);
    writeAtomic(path, JSON.stringify(added.settings, null, 2) + '\n', existed ? modeOf(path) : 0o600);
  }
  return { settings: path, shim, changed: changes.length > 0, backup: bak, changes };
}

export interface UninstallOptions extends InstallOptions {
  /** Rescue: also repair a settings file that is not valid JSON from the newest valid backup. */
  rescue?: boolean;
}

export function uninstall(o: UninstallOptions): InstallReport {
  const now = o.now ?? new Date();
  const path = settingsPath(o);
  const shim = shimPath(o.env);
  const changes: string[] = [];
  let bak: string | null = null;
  let current: { value: JsonObject; existed: boolean };
  try {
    current = readSettings(path);
  } catch (e) {
    if (o.rescue !== true) throw e;
    const restored = newestValidBackup(path);
    if (restored === undefined)
      fail(
        'RESCUE_NO_BACKUP',
        `${path} is not valid JSON and there is no valid Aegis backup next to it; fix it by hand`,
      );
    bak = backup(path, now, 'aegis-broken');
    copyFileSync(restored, path);
    changes.push(`the settings file was not valid JSON: kept it as ${bak}, restored ${restored}`);
    current = readSettings(path);
  }
  const removed = removeAegisHooks(current.value);
  if (removed.changes.length > 0) {
    if (current.existed && bak === null) bak = backup(path, now);
    writeAtomic(path, JSON.stringify(removed.settings, null, 2) + '\n', modeOf(path));
    changes.push(...removed.changes);
  }
  if (existsSync(shim)) {
    unlinkSync(shim);
    changes.push(`removed the hook shim ${shim}`);
  }
  return { settings: path, shim, changed: changes.length > 0, backup: bak, changes };
}

/** The newest `<settings>.aegis-backup-*` that parses as a JSON object. */
function newestValidBackup(path: string): string | undefined {
  const dir = dirname(path);
  const prefix = `${basename(path)}.aegis-backup-`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return undefined;
  }
  for (const n of names.sort().reverse()) {
    try {
      if (isJsonObject(JSON.parse(readFileSync(join(dir, n), 'utf8')))) return join(dir, n);
    } catch {
      // try the next older one
    }
  }
  return undefined;
}

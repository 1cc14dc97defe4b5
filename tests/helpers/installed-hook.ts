import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.js';

/** `aegis install` into `root/settings.json`; returns the PreToolUse hook command Claude Code would run. */
export async function installHook(env: Record<string, string>, root: string): Promise<string> {
  const settings = join(root, 'settings.json');
  const r = await runCli(['install', '--settings', settings], env);
  if (r.code !== 0) throw new Error(`aegis install failed: ${r.stderr}`);
  const s = JSON.parse(readFileSync(settings, 'utf8')) as {
    hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
  };
  const cmd = s.hooks['PreToolUse']?.[0]?.hooks[0]?.command;
  if (cmd === undefined) throw new Error('install wrote no PreToolUse hook');
  return cmd;
}

/** Runs the hook command as Claude Code does (`/bin/sh -c`, the event on stdin); its stdout, or throws on a non-zero exit. */
export function runHook(shim: string, input: Record<string, unknown>, env: Record<string, string>): string {
  const r = spawnSync('/bin/sh', ['-c', shim], {
    input: JSON.stringify(input),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`hook exited ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
}

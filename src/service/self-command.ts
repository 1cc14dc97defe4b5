import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fail } from '../core/errors.js';

/**
 * The argv that runs this same `aegis` CLI in a new process: used to start the daemon in the background
 * and written into the hook shim as its fallback. From a build it is `node dist/src/cli/entry.js`; from
 * source it is `node --import <tsx loader> src/cli/entry.ts` with absolute paths, so it works from any cwd.
 * `AEGIS_SELF_COMMAND` (a JSON array of strings) overrides it.
 */
export function selfCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env['AEGIS_SELF_COMMAND'];
  if (override !== undefined && override !== '') {
    let argv: unknown;
    try {
      argv = JSON.parse(override);
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
      fail('USAGE', 'AEGIS_SELF_COMMAND must be a JSON array of strings');
    return argv as string[];
  }
  const here = fileURLToPath(import.meta.url);
  const cliDir = resolve(dirname(here), '..', 'cli');
  if (here.endsWith('.ts')) {
    const req = createRequire(import.meta.url);
    const loader = pathToFileURL(req.resolve('tsx')).href;
    return [process.execPath, '--import', loader, join(cliDir, 'entry.ts')];
  }
  const entry = join(cliDir, 'entry.js');
  if (!existsSync(entry)) fail('INTERNAL_ERROR', `CLI entry ${entry} is missing`);
  return [process.execPath, entry];
}

/**
 * The argv of the hook fallback the shim runs: the small src/hook/entry (only the hook path, faster to start
 * than the whole CLI), or `<AEGIS_SELF_COMMAND> hook` when that override is set.
 */
export function hookFallbackCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env['AEGIS_SELF_COMMAND'];
  if (override !== undefined && override !== '') return [...selfCommand(env), 'hook'];
  const cli = selfCommand(env);
  const entry = cli[cli.length - 1] as string;
  const hookEntry = join(dirname(dirname(entry)), 'hook', entry.endsWith('.ts') ? 'entry.ts' : 'entry.js');
  return [...cli.slice(0, -1), hookEntry];
}

/** The argv that runs the daemon in the foreground: src/service/entry, or `<AEGIS_SELF_COMMAND> daemon run`. */
export function daemonCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env['AEGIS_SELF_COMMAND'];
  if (override !== undefined && override !== '') return [...selfCommand(env), 'daemon', 'run'];
  const cli = selfCommand(env);
  const entry = cli[cli.length - 1] as string;
  return [
    ...cli.slice(0, -1),
    join(dirname(dirname(entry)), 'service', entry.endsWith('.ts') ? 'entry.ts' : 'entry.js'),
  ];
}

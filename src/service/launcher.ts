import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { ensureHome } from '../appliance/home.js';
import { AegisError, fail, isAegisError } from '../core/errors.js';
import { socketJson } from './client.js';
import type { DaemonPaths } from './paths.js';
import { processAlive, readPid } from './pidfile.js';
import { daemonCommand } from './self-command.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The daemon's /v1/status answer, or undefined when no daemon answers. */
export async function daemonStatus(
  paths: DaemonPaths,
  timeoutMs = 2000,
): Promise<Record<string, unknown> | undefined> {
  try {
    return (await socketJson(paths.socket, 'GET', '/v1/status', undefined, timeoutMs)) as Record<
      string,
      unknown
    >;
  } catch (e) {
    if (isAegisError(e, 'DAEMON_UNREACHABLE') || isAegisError(e, 'DAEMON_TIMEOUT')) return undefined;
    throw e;
  }
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** Extra `aegis daemon run` flags (e.g. --tcp). */
  args?: string[];
  /** How long to wait for the new daemon to answer. */
  waitMs?: number;
}

/**
 * Starts the daemon (src/service/entry, = `aegis daemon run`) detached (it outlives the hook or CLI that started it), its output going to
 * state/daemon.log, and waits until it answers. If another process won the race to start it, that daemon
 * is used. Returns its status.
 */
export async function spawnDaemon(paths: DaemonPaths, opts: SpawnOptions): Promise<Record<string, unknown>> {
  const running = await daemonStatus(paths);
  if (running !== undefined) return running;
  ensureHome(paths.home, ['state', 'log']);
  const [cmd, ...pre] = daemonCommand(opts.env);
  if (cmd === undefined) return fail('INTERNAL_ERROR', 'no command to start the daemon');
  const out = openSync(paths.daemonLog, 'a', 0o600);
  let exited: number | null | undefined;
  let childPid: number | undefined;
  try {
    const child = spawn(cmd, [...pre, ...(opts.args ?? [])], {
      detached: true,
      // Not the agent's project directory: a long-lived process should not pin it.
      cwd: paths.home.root,
      stdio: ['ignore', out, out],
      env: { ...opts.env, AEGIS_HOME: paths.home.root },
    });
    childPid = child.pid;
    child.on('error', () => (exited = null));
    child.on('exit', (code) => (exited = code));
    child.unref();
  } finally {
    closeSync(out);
  }
  const deadline = Date.now() + (opts.waitMs ?? 8000);
  while (Date.now() < deadline) {
    await sleep(40);
    const st = await daemonStatus(paths, 1000);
    if (st !== undefined) return st;
    // It exited without answering. If another daemon holds the lock (a concurrent start won the race), wait
    // for that one; otherwise say why, from its own log.
    const holder = readPid(paths.pidfile);
    if (exited !== undefined && !(holder !== undefined && holder !== childPid && processAlive(holder)))
      fail(
        'DAEMON_START_FAILED',
        `the daemon exited (status ${String(exited)}) before answering: ${lastLine(paths.daemonLog)}`,
      );
  }
  return fail(
    'DAEMON_START_FAILED',
    `the daemon did not come up within ${opts.waitMs ?? 8000} ms; see ${paths.daemonLog}`,
  );
}

/** The last line of the daemon's log (our own error messages: no secrets), for a start failure's reason. */
function lastLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').slice(-2000).trim().split('\n');
    return (lines[lines.length - 1] ?? '').replace(/^aegis: /, '').slice(0, 300);
  } catch {
    return `see ${path}`;
  }
}

/**
 * Stops the daemon: asks it over the socket (clean shutdown: checkpoint, close), then waits for its pid to
 * exit; SIGTERM (same clean path) if the socket does not answer. Returns false when no daemon was running.
 */
export async function stopDaemon(paths: DaemonPaths, waitMs = 10_000): Promise<boolean> {
  const pid = readPid(paths.pidfile);
  let asked = false;
  try {
    await socketJson(paths.socket, 'POST', '/v1/shutdown', {}, 3000);
    asked = true;
  } catch (e) {
    if (!(e instanceof AegisError)) throw e;
  }
  if (pid === undefined || !processAlive(pid)) return asked;
  if (!asked) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await sleep(50);
  }
  return fail('DAEMON_STOP_FAILED', `daemon pid ${pid} did not exit within ${waitMs} ms`, { pid });
}

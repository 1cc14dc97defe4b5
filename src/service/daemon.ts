import { chmodSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename, dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { decide, standInDecider, type Decider } from '../appliance/decide.js';
import { appendDecision } from '../appliance/decision-record.js';
import { ensureHome, type AegisHome } from '../appliance/home.js';
import { fail } from '../core/errors.js';
import { loadFailPolicy, type FailPolicy } from '../hook/fail-policy.js';
import { buildApp } from './app.js';
import { ApprovalStore } from './approvals.js';
import { openHomeSink, type AuditSink } from './audit-sink.js';
import { createHookHandler } from './hook-handler.js';
import { daemonPaths, type DaemonPaths } from './paths.js';
import { acquirePidfile, releasePidfile, unlinkQuiet } from './pidfile.js';

export interface DaemonOptions {
  home: AegisHome;
  env: NodeJS.ProcessEnv;
  /** Optional TCP listener for the read-only HTTP routes (status, health); off unless asked for. */
  tcp?: { host: string; port: number };
  /** Injected for tests and embedding; defaults to the firewall engine (or the stand-in while it is absent). */
  decider?: Decider;
  audit?: AuditSink;
  /** Operational messages (start, stop); never decisions or user data. */
  log?: (line: string) => void;
}

function isAppendResult(v: unknown): v is { seq: number; this_hash: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { seq?: unknown }).seq === 'number' &&
    typeof (v as { this_hash?: unknown }).this_hash === 'string'
  );
}

/** Parses `--tcp [host:]port` (host defaults to 127.0.0.1: the HTTP API is local unless asked otherwise). */
export function parseTcp(v: string | undefined): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(v);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 0 && port <= 65535)) fail('USAGE', `--tcp expects [host:]port, got ${v}`);
  return { host: m[1] ?? '127.0.0.1', port };
}

export interface RunningDaemon {
  paths: DaemonPaths;
  app: FastifyInstance;
  failPolicy: FailPolicy;
  tcpAddress?: { host: string; port: number };
  /** Resolves when the daemon has shut down (checkpoint written, socket and pidfile removed). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the daemon in this process: takes the single-instance lock, opens the audit log (its only writer),
 * builds the engine once (so stateful detectors persist across calls), listens on the unix socket with mode
 * 0600, and on SIGTERM/SIGINT or POST /v1/shutdown closes cleanly: no new requests, in-flight ones finish,
 * a checkpoint is written, the log is closed, socket and pidfile are removed.
 */
export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const paths = daemonPaths(opts.home);
  const log = opts.log ?? (() => undefined);
  ensureHome(opts.home, ['state', 'log']);
  acquirePidfile(paths.pidfile);
  let audit: AuditSink | undefined;
  try {
    // We hold the lock, so a socket file left here is from a daemon that died.
    if (existsSync(paths.socket)) unlinkQuiet(paths.socket);
    const failPolicy = loadFailPolicy(opts.env, opts.home.config);
    const decider = opts.decider ?? standInDecider;
    audit = opts.audit ?? (await openHomeSink(opts.home, opts.env));
    const sink = audit;
    const approvals = new ApprovalStore(paths.approvals);
    const hook = createHookHandler({ decider, audit: sink, approvals, failPolicy });
    const startedAt = new Date();
    let tcpServer: Server | undefined;
    let tcpAddress: { host: string; port: number } | undefined;
    let closing: Promise<void> | undefined;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (resolveClosed = r));

    const close = (): Promise<void> => {
      closing ??= (async () => {
        log('aegis daemon: shutting down');
        if (tcpServer !== undefined) await new Promise<void>((r) => tcpServer?.close(() => r()));
        await app.close();
        try {
          await sink.append({ kind: 'daemon.stop', data: { pid: process.pid, ...hook.stats } });
          await sink.checkpoint();
        } finally {
          await sink.close();
          unlinkQuiet(paths.socket);
          releasePidfile(paths.pidfile);
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolveClosed();
        }
      })();
      return closing;
    };
    const onSignal = (): void => void close();

    const app = buildApp({
      hook,
      decide: async (event) => {
        const outcome = await decide(event, decider, approvals);
        const appended = await appendDecision((e) => sink.append(e), outcome, 'evaluate');
        return {
          outcome,
          ...(isAppendResult(appended)
            ? { audit: { seq: appended.seq, this_hash: appended.this_hash } }
            : {}),
        };
      },
      approvals,
      audit: sink,
      failPolicy,
      engine: decider.name,
      status: () => ({
        ok: true,
        pid: process.pid,
        socket: paths.socket,
        started_at: startedAt.toISOString(),
        uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
        engine: decider.name,
        audit: sink.name,
        fail_policy: failPolicy.mode,
        fail_policy_source: failPolicy.source,
        tcp: tcpAddress === undefined ? null : `${tcpAddress.host}:${tcpAddress.port}`,
        hook: { ...hook.stats },
        approvals: approvals.counts(),
      }),
      isShimInputFile: (p) =>
        resolve(dirname(p)) === resolve(opts.home.state) && /^hook\.\d{1,10}\.in$/.test(basename(p)),
      onShutdown: () => void close(),
    });

    await sink.append({
      kind: 'daemon.start',
      data: { pid: process.pid, engine: decider.name, fail_policy: failPolicy.mode },
    });
    // umask first so the socket is never reachable by others, not even between listen() and chmod().
    const oldMask = process.umask(0o177);
    try {
      await app.listen({ path: paths.socket });
    } finally {
      process.umask(oldMask);
    }
    chmodSync(paths.socket, 0o600);
    if (opts.tcp !== undefined) {
      const tcp = opts.tcp;
      tcpServer = createServer((req, res) => {
        // Read-only routes only: approvals and shutdown need the owner-only socket.
        if (req.method !== 'GET' || !(req.url === '/v1/status' || req.url === '/v1/health')) {
          res.writeHead(403, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              ok: false,
              errors: [
                { code: 'DAEMON_TCP_READ_ONLY', message: 'this route is served on the unix socket only' },
              ],
            }),
          );
          return;
        }
        app.server.emit('request', req, res);
      });
      await new Promise<void>((resolve, reject) => {
        tcpServer?.once('error', reject);
        tcpServer?.listen(tcp.port, tcp.host, () => resolve());
      }).catch((e: unknown) =>
        fail(
          'DAEMON_TCP_LISTEN_FAILED',
          `cannot listen on ${tcp.host}:${tcp.port} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        ),
      );
      const addr = tcpServer.address();
      if (addr !== null && typeof addr === 'object') tcpAddress = { host: addr.address, port: addr.port };
    }
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    log(
      `aegis daemon: pid ${process.pid} listening on ${paths.socket} (engine: ${decider.name}; log: ${sink.name}; fail policy: ${failPolicy.mode})`,
    );
    return { paths, app, failPolicy, ...(tcpAddress === undefined ? {} : { tcpAddress }), closed, close };
  } catch (e) {
    try {
      await audit?.close();
    } catch {
      // keep the original error
    }
    unlinkQuiet(paths.socket);
    releasePidfile(paths.pidfile);
    throw e;
  }
}

/**
 * For a daemon process (not for tests that embed one): an unhandled rejection is logged and the daemon keeps
 * serving (a failing append already turns into the fail policy's answer); an uncaught exception leaves the
 * process in an unknown state, so the daemon shuts down cleanly (checkpoint, close) and the next hook call
 * starts a fresh one.
 */
export function guardDaemonProcess(d: RunningDaemon, log: (line: string) => void): void {
  process.on('unhandledRejection', (e) =>
    log(`aegis daemon: unhandled rejection: ${e instanceof Error ? e.message : String(e)}`),
  );
  process.on('uncaughtException', (e) => {
    log(`aegis daemon: uncaught exception, shutting down: ${e.message}`);
    void d.close().finally(() => process.exit(1));
  });
}

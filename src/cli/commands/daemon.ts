import type { Command } from 'commander';
import { aegisHome } from '../../appliance/home.js';
import { openEngine } from '../../appliance/engine.js';
import { guardDaemonProcess, parseTcp, startDaemon } from '../../service/daemon.js';
import { daemonStatus, spawnDaemon, stopDaemon } from '../../service/launcher.js';
import { daemonPaths } from '../../service/paths.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

function printStatus(
  io: CliIo,
  st: Record<string, unknown> | undefined,
  json: boolean,
  socket: string,
): void {
  if (json) return printJson(io, st ?? { ok: false, running: false, socket });
  if (st === undefined) return io.out(`aegis daemon: not running (socket ${socket})`);
  const hook = (st['hook'] ?? {}) as Record<string, unknown>;
  io.out(
    [
      `aegis daemon: running, pid ${String(st['pid'])}, up ${String(st['uptime_s'])} s`,
      `  socket       ${String(st['socket'])}`,
      `  engine       ${String(st['engine'])}`,
      `  audit log    ${String(st['audit'])}`,
      `  fail policy  ${String(st['fail_policy'])} (${String(st['fail_policy_source'])})`,
      `  tcp          ${st['tcp'] === null ? 'off' : String(st['tcp'])}`,
      `  hook events  ${String(hook['events'])} (allow ${String(hook['allow'])}, block ${String(hook['block'])}, ask ${String(hook['ask'])}, failed ${String(hook['failed'])})`,
    ].join('\n'),
  );
}

/** `aegis daemon start|stop|status|run`: the long-lived decision service the hook talks to. */
export const daemonCommand: CommandModule = {
  register(program: Command, io: CliIo): void {
    const group = program
      .command('daemon')
      .description(
        'run the Aegis daemon: the hook answers from it, it is the single writer of the audit log',
      );

    group
      .command('start')
      .description(
        'start the daemon in the background (no-op when it already runs) and wait until it answers',
      )
      .option('--tcp <[host:]port>', 'also serve the read-only HTTP routes (status, health) on TCP')
      .option('--json', 'print the status as JSON')
      .action(
        action(io, async (opts: { tcp?: string; json?: boolean }) => {
          const paths = daemonPaths(aegisHome(io.env));
          const tcp = parseTcp(opts.tcp);
          const st = await spawnDaemon(paths, {
            env: io.env,
            args: tcp === undefined ? [] : ['--tcp', `${tcp.host}:${tcp.port}`],
          });
          printStatus(io, st, opts.json === true, paths.socket);
          return 0;
        }),
      );

    group
      .command('stop')
      .description('stop the daemon cleanly (finish requests, write a checkpoint, close the log)')
      .option('--json', 'print the result as JSON')
      .action(
        action(io, async (opts: { json?: boolean }) => {
          const paths = daemonPaths(aegisHome(io.env));
          const stopped = await stopDaemon(paths);
          if (opts.json === true) printJson(io, { ok: true, stopped });
          else io.out(stopped ? 'aegis daemon: stopped' : 'aegis daemon: was not running');
          return 0;
        }),
      );

    group
      .command('status')
      .description(
        'show whether the daemon runs, its engine, log, fail policy and counters (exit 1 when not running)',
      )
      .option('--json', 'print the status as JSON')
      .action(
        action(io, async (opts: { json?: boolean }) => {
          const paths = daemonPaths(aegisHome(io.env));
          const st = await daemonStatus(paths);
          printStatus(io, st, opts.json === true, paths.socket);
          return st === undefined ? 1 : 0;
        }),
      );

    group
      .command('run')
      .description('run the daemon in the foreground (what `start` launches; for systemd or scripts)')
      .option('--tcp <[host:]port>', 'also serve the read-only HTTP routes (status, health) on TCP')
      .action(
        action(io, async (opts: { tcp?: string }) => {
          const tcp = parseTcp(opts.tcp);
          const home = aegisHome(io.env);
          const decider = await openEngine(home, io.env);
          const d = await startDaemon({
            home,
            env: io.env,
            decider,
            ...(tcp === undefined ? {} : { tcp }),
            log: (l) => io.err(l),
          });
          guardDaemonProcess(d, (l) => io.err(l));
          await d.closed;
          // The log is closed and checkpointed; do not wait for idle library handles (crypto workers) to let go.
          setTimeout(() => process.exit(0), 50);
          return 0;
        }),
      );
  },
};

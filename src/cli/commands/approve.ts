import type { Command } from 'commander';
import type { ApprovalScope } from '../../appliance/decide.js';
import { aegisHome } from '../../appliance/home.js';
import { fail, isAegisError } from '../../core/errors.js';
import { socketJson } from '../../service/client.js';
import { daemonPaths } from '../../service/paths.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

interface Answered {
  trace: string;
  answer: string;
  scope?: string;
  tool_name: string;
}

function checkTrace(trace: string): void {
  if (!/^[0-9a-f]{12}$/.test(trace))
    fail('USAGE', `a trace is 12 lowercase hex digits as printed by Aegis, got "${trace}"`);
}

async function send(io: CliIo, path: string, body: Record<string, string>): Promise<Answered> {
  const paths = daemonPaths(aegisHome(io.env));
  try {
    return (await socketJson(paths.socket, 'POST', path, body)) as Answered;
  } catch (e) {
    if (isAegisError(e, 'DAEMON_UNREACHABLE'))
      fail(
        'DAEMON_NOT_RUNNING',
        'the Aegis daemon is not running, so no call is awaiting approval; start it with `aegis daemon start`',
      );
    throw e;
  }
}

function scopeOf(o: { once?: boolean; session?: boolean; always?: boolean }): ApprovalScope {
  const picked = (['once', 'session', 'always'] as const).filter((s) => o[s] === true);
  if (picked.length > 1) fail('USAGE', 'choose one of --once, --session, --always');
  return picked[0] ?? 'once';
}

/** `aegis approve <trace>` and `aegis deny <trace>`: answer a call Aegis asked about; logged as events. */
export const approveCommand: CommandModule = {
  register(program: Command, io: CliIo): void {
    program
      .command('approve')
      .description(
        'approve a call Aegis asked about, so that identical calls pass within the scope (default --once)',
      )
      .argument('<trace>', 'the trace Aegis printed with its question, e.g. 3f9a1c2b7d4e')
      .option('--once', 'the next identical call passes (default)')
      .option('--session', 'identical calls pass for the rest of that Claude Code session')
      .option(
        '--always',
        'identical calls pass from now on, also after restarts (kept in $AEGIS_HOME/state/approvals.json)',
      )
      .option('--json', 'print the result as JSON')
      .action(
        action(
          io,
          async (
            trace: string,
            opts: { once?: boolean; session?: boolean; always?: boolean; json?: boolean },
          ) => {
            checkTrace(trace);
            const scope = scopeOf(opts);
            const r = await send(io, '/v1/approvals', { trace, scope });
            if (opts.json === true) printJson(io, r);
            else
              io.out(`aegis: approved ${r.tool_name} call ${trace} (${scope}); repeat it and it will pass`);
            return 0;
          },
        ),
      );
    program
      .command('deny')
      .description(
        'deny a call Aegis asked about; identical calls in that session are blocked without asking',
      )
      .argument('<trace>', 'the trace Aegis printed with its question')
      .option('--json', 'print the result as JSON')
      .action(
        action(io, async (trace: string, opts: { json?: boolean }) => {
          checkTrace(trace);
          const r = await send(io, '/v1/denials', { trace });
          if (opts.json === true) printJson(io, r);
          else
            io.out(`aegis: denied ${r.tool_name} call ${trace}; identical calls in that session are blocked`);
          return 0;
        }),
      );
  },
};

import type { Command } from 'commander';
import { openHomeAuditLog } from '../../appliance/audit-log.js';
import { decide, type Outcome } from '../../appliance/decide.js';
import { appendDecision } from '../../appliance/decision-record.js';
import { openEngine } from '../../appliance/engine.js';
import { aegisHome, type AegisHome } from '../../appliance/home.js';
import type { AgentEvent } from '../../core/decision.js';
import { AegisError, fail, toAegisError } from '../../core/errors.js';
import { ApprovalStore } from '../../service/approvals.js';
import { decideViaDaemon, type DecideAnswer } from '../../service/decide-wire.js';
import { daemonStatus } from '../../service/launcher.js';
import { daemonPaths } from '../../service/paths.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { parseJsonObject, rowToEvent } from '../evaluate-rows.js';
import { readInputText } from '../input.js';
import { pidOption } from '../pid-option.js';

/**
 * `aegis evaluate`: the firewall from the command line, on the same road as the daemon — the engine from
 * src/appliance/engine.ts (same state directory, budget, judge, hardware band and policies), the same adapter from
 * events to the firewall, the standing `--always` approvals of the home, and the same decision record. While the
 * daemon runs, it decides and records (it is the log's single writer). Single call
 * (--tool/--input) or a JSONL batch of peer-corpus rows or Claude Code hook inputs; every decision is appended to
 * the audit log unless --no-audit. Exit: 0 ALLOW, 1 BLOCK or REQUIRE_APPROVAL (single call), 0 when a batch was
 * processed, 2 usage or environment error.
 */

interface Opts {
  tool?: string;
  input?: string;
  cwd?: string;
  session?: string;
  batch?: string;
  json?: boolean;
  audit?: boolean;
  policies?: string;
  pid?: string;
}

interface Evaluator {
  run(event: AgentEvent): Promise<DecideAnswer>;
}

/**
 * Where decisions are made and recorded. A running daemon is the log's single writer: its events go to its
 * /v1/decide route, decided by its engine and recorded with via "evaluate". Otherwise the engine is opened here
 * (same factory, same state directory) and the record appended to the home's log.
 */
async function withEvaluator<T>(io: CliIo, opts: Opts, fn: (ev: Evaluator) => Promise<T>): Promise<T> {
  const home: AegisHome = aegisHome(io.env);
  const paths = daemonPaths(home);
  if (opts.audit !== false && opts.policies === undefined && (await daemonStatus(paths)) !== undefined) {
    return fn({ run: (event) => decideViaDaemon(paths.socket, event) });
  }
  const engine = await openEngine(
    home,
    io.env,
    opts.policies === undefined ? {} : { policiesDir: opts.policies },
  );
  const log =
    opts.audit === false
      ? undefined
      : await openHomeAuditLog(home, io.env).catch((e: unknown) => {
          const err = toAegisError(e);
          throw new AegisError(err.code, `${err.message} (or pass --no-audit to evaluate without logging)`, {
            cause: e,
          });
        });
  // Standing `aegis approve … --always` answers apply here as in the daemon; session answers live in the daemon.
  const book = new ApprovalStore(paths.approvals);
  try {
    return await fn({
      async run(event) {
        const outcome = await decide(event, engine, book);
        if (log === undefined) return { outcome };
        return { outcome, audit: await appendDecision((e) => log.append(e), outcome, 'evaluate') };
      },
    });
  } finally {
    await log?.close();
  }
}

function summary(o: Outcome, audit: { seq: number; this_hash: string } | undefined): Record<string, unknown> {
  const d = o.decision;
  return {
    decision: d.decision,
    reason: d.reason,
    rules: d.rules,
    step: d.step,
    trace: o.trace,
    ...d.facts,
    steps: d.steps,
    ...(audit === undefined ? {} : { audit }),
  };
}

function render(o: Outcome, audit: { seq: number; this_hash: string } | undefined): string {
  const d = o.decision;
  const lines = [`${d.decision}  ${d.reason}`];
  if (d.rules.length > 0) lines.push(`  rules    ${d.rules.join(', ')}`);
  lines.push(`  step     ${d.step ?? 'none (all steps passed)'}`);
  if (o.event.kind === 'tool_call')
    lines.push(`  tool     ${o.event.toolName} → ${d.facts.canonical_tool ?? 'unknown'}`);
  if (d.facts.atv_sha3 !== undefined) lines.push(`  atv_sha3 ${d.facts.atv_sha3}`);
  if (d.facts.hw_mask !== undefined)
    lines.push(
      `  hardware mask 0x${d.facts.hw_mask.toString(16).padStart(3, '0')} from ${d.facts.hw_source ?? 'none'}${d.facts.hw_sources === undefined ? '' : ` (${d.facts.hw_sources.join(', ')})`}`,
    );
  if (d.facts.judge !== undefined)
    lines.push(
      `  judge    ${d.facts.judge.judge_engine} ${d.facts.judge.judge_verdict}, model ${d.facts.judge.judge_model_hash.slice(0, 16)}…`,
    );
  if (audit !== undefined) lines.push(`  audit    seq ${audit.seq} ${audit.this_hash.slice(0, 16)}…`);
  return lines.join('\n');
}

export const evaluateCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('evaluate')
      .description(
        'decide ALLOW / BLOCK / REQUIRE_APPROVAL for a tool call (or a JSONL batch of them) with the action firewall; exit 0 ALLOW, 1 BLOCK or REQUIRE_APPROVAL, 2 usage',
      )
      .option(
        '--tool <name>',
        'tool name as the agent sends it (Bash, Read, Write, WebFetch, mcp__server__tool, OpenClaw exec …)',
      )
      .option('--input <json>', 'tool input as a JSON object, e.g. \'{"command":"ls"}\'')
      .option('--cwd <dir>', 'working directory of the call (default: the current directory)')
      .option(
        '--session <id>',
        'session id: loop, budget and circuit-breaker state is kept per session in $AEGIS_HOME/state',
      )
      .option(
        '--batch <file>',
        'evaluate every line of a JSONL file: {tool, input, context?, session_id?} rows or Claude Code hook inputs (PreToolUse, PostToolUse …); one JSON line {decision, reason, rules} out per row',
      )
      .option(
        '--pid <pid>',
        'the agent process whose counters fill the hardware band ($AEGIS_HW; default: the parent of this command)',
      )
      .option('--policies <dir>', 'firewall policy directory (default: policies/firewall of this package)')
      .option(
        '--no-audit',
        'do not append decisions to the audit log ($AEGIS_HOME/log); without it, a running daemon decides and records',
      )
      .option(
        '--json',
        'single call: print the whole decision as JSON; batch: add line, event, step, trace, args_sha3, atv_sha3, judge fields to each line',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  aegis evaluate --tool Bash --input \'{"command":"rm -rf /"}\' --no-audit\n  aegis evaluate --batch calls.jsonl --no-audit > decisions.jsonl\n',
      )
      .action(
        action(io, async (opts: Opts) => {
          if (opts.batch !== undefined) {
            if (opts.tool !== undefined || opts.input !== undefined)
              fail('USAGE', '--batch cannot be combined with --tool / --input');
            const text = readInputText(opts.batch, 'batch file');
            const pid = pidOption(opts.pid);
            return withEvaluator(io, opts, async (ev) => {
              const lines = text.split('\n');
              if (lines[lines.length - 1] === '') lines.pop();
              for (let i = 0; i < lines.length; i++) {
                const line = (lines[i] as string).trim();
                if (line === '') continue;
                let event: AgentEvent;
                try {
                  event = { ...rowToEvent(parseJsonObject(line, `line ${i + 1}`), line), agentPid: pid };
                } catch (e) {
                  const err = toAegisError(e);
                  io.out(JSON.stringify({ line: i + 1, error: { code: err.code, message: err.message } }));
                  continue;
                }
                // A decision that cannot be logged stops the batch (exit 2): nothing is decided unrecorded.
                const { outcome, audit } = await ev.run(event);
                const d = outcome.decision;
                const out: Record<string, unknown> = {
                  decision: d.decision,
                  reason: d.reason,
                  rules: d.rules,
                };
                if (opts.json === true) {
                  const { steps: _steps, ...rest } = summary(outcome, audit);
                  Object.assign(out, { line: i + 1, event: outcome.event.kind }, rest);
                }
                io.out(JSON.stringify(out));
              }
              return 0;
            });
          }
          if (opts.tool === undefined || opts.input === undefined)
            fail('USAGE', 'give --tool NAME --input JSON, or --batch FILE');
          const event: AgentEvent = {
            kind: 'tool_call',
            toolName: opts.tool,
            toolInput: parseJsonObject(opts.input, '--input'),
            sessionId: opts.session ?? '',
            cwd: opts.cwd ?? process.cwd(),
            agentPid: pidOption(opts.pid),
          };
          return withEvaluator(io, opts, async (ev) => {
            const { outcome, audit } = await ev.run(event);
            if (opts.json === true) printJson(io, summary(outcome, audit));
            else io.out(render(outcome, audit));
            return outcome.decision.decision === 'ALLOW' ? 0 : 1;
          });
        }),
      );
  },
};

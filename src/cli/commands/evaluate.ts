import type { Command } from 'commander';
import { openHomeAuditLog } from '../../appliance/audit-log.js';
import { aegisHome, ensureHome } from '../../appliance/home.js';
import type { JsonObject } from '../../core/canonical-json.js';
import { AegisError, fail, toAegisError } from '../../core/errors.js';
import type { ToolCall } from '../../firewall/call.js';
import { createFirewall, type Firewall, type FirewallDecision } from '../../firewall/firewall.js';
import { homeJudge } from '../../appliance/judge.js';
import type { DecisionSink } from '../../firewall/sink.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputText } from '../input.js';

/**
 * `aegis evaluate`: the firewall from the command line. Single call (--tool/--input) or a JSONL
 * batch in the format of the peer corpora ({tool, input, context?, session_id?}); every decision
 * is appended to the audit log unless --no-audit. Exit: 0 ALLOW, 1 BLOCK or REQUIRE_APPROVAL
 * (single call), 0 when a batch was processed, 2 usage or environment error.
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
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch {
    fail('EVALUATE_INPUT_INVALID', `${what} is not valid JSON`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('EVALUATE_INPUT_INVALID', `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

/** A batch row ({tool, input, context?: {cwd?, session_id?}, session_id?}) → a tool call. */
export function rowToCall(row: Record<string, unknown>): ToolCall {
  const tool = row['tool'];
  const input = row['input'];
  if (typeof tool !== 'string' || tool === '') fail('EVALUATE_ROW_INVALID', 'row has no "tool" string');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('EVALUATE_ROW_INVALID', 'row "input" must be a JSON object');
  const call: ToolCall = { tool, input: input as Record<string, unknown> };
  const ctx = row['context'];
  const c = ctx !== null && typeof ctx === 'object' && !Array.isArray(ctx) ? (ctx as Record<string, unknown>) : {};
  const cwd = c['cwd'] ?? row['cwd'];
  if (typeof cwd === 'string' && cwd !== '') call.cwd = cwd;
  const sid = row['session_id'] ?? c['session_id'];
  if (typeof sid === 'string' && sid !== '') call.session_id = sid;
  return call;
}

function tokenBudget(env: NodeJS.ProcessEnv): number | undefined {
  const v = env['AEGIS_TOKEN_BUDGET'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail('TOKEN_BUDGET_INVALID', `AEGIS_TOKEN_BUDGET must be a positive number, not "${v}"`);
  return n;
}

async function withFirewall<T>(io: CliIo, opts: Opts, fn: (fw: Firewall) => Promise<T>): Promise<T> {
  const home = aegisHome(io.env);
  ensureHome(home, ['state']);
  let sink: DecisionSink | undefined;
  let close: (() => Promise<void>) | undefined;
  if (opts.audit !== false) {
    const log = await openHomeAuditLog(home, io.env).catch((e: unknown) => {
      const err = toAegisError(e);
      throw new AegisError(err.code, `${err.message} (or pass --no-audit to evaluate without logging)`, { cause: e });
    });
    sink = { append: (r) => log.append({ ...r, data: r.data as unknown as JsonObject }) };
    close = () => log.close();
  }
  const budget = tokenBudget(io.env);
  const judge = await homeJudge(home, io.env);
  const fw = createFirewall({
    ...(judge !== undefined ? { judge } : {}),
    ...(opts.policies !== undefined ? { policiesDir: opts.policies } : {}),
    stateDir: home.state,
    ...(sink !== undefined ? { sink } : {}),
    ...(budget !== undefined ? { tokenBudget: budget } : {}),
  });
  try {
    return await fn(fw);
  } finally {
    await close?.();
  }
}

function render(d: FirewallDecision): string {
  const lines = [`${d.decision}  ${d.reason}`];
  if (d.rules.length > 0) lines.push(`  rules    ${d.rules.join(', ')}`);
  lines.push(`  step     ${d.step ?? 'none (all steps passed)'}`, `  tool     ${d.tool} → ${d.canonical_tool}`, `  atv_sha3 ${d.atv_sha3}`);
  if (d.audit !== undefined) lines.push(`  audit    seq ${d.audit.seq} ${d.audit.this_hash.slice(0, 16)}…`);
  return lines.join('\n');
}

export const evaluateCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    program
      .command('evaluate')
      .description('decide ALLOW / BLOCK / REQUIRE_APPROVAL for a tool call (or a JSONL batch of them) with the action firewall; exit 0 ALLOW, 1 BLOCK or REQUIRE_APPROVAL, 2 usage')
      .option('--tool <name>', 'tool name as the agent sends it (Bash, Read, Write, WebFetch, mcp__server__tool, OpenClaw exec …)')
      .option('--input <json>', 'tool input as a JSON object, e.g. \'{"command":"ls"}\'')
      .option('--cwd <dir>', 'working directory of the call (default: the current directory)')
      .option('--session <id>', 'session id: loop, budget and circuit-breaker state is kept per session in $AEGIS_HOME/state')
      .option('--batch <file>', 'evaluate every line of a JSONL file {tool, input, context?, session_id?}; one JSON line {decision, reason, rules} out per row')
      .option('--policies <dir>', 'firewall policy directory (default: policies/firewall of this package)')
      .option('--no-audit', 'do not append decisions to the audit log ($AEGIS_HOME/log)')
      .option('--json', 'single call: print the whole decision as JSON; batch: add line, step, args_sha3, atv_sha3 to each line')
      .addHelpText('after', '\nExamples:\n  aegis evaluate --tool Bash --input \'{"command":"rm -rf /"}\' --no-audit\n  aegis evaluate --batch calls.jsonl --no-audit > decisions.jsonl\n')
      .action(
        action(io, async (opts: Opts) => {
          if (opts.batch !== undefined) {
            if (opts.tool !== undefined || opts.input !== undefined) fail('USAGE', '--batch cannot be combined with --tool / --input');
            const text = readInputText(opts.batch, 'batch file');
            return withFirewall(io, opts, async (fw) => {
              const lines = text.split('\n');
              if (lines[lines.length - 1] === '') lines.pop();
              for (let i = 0; i < lines.length; i++) {
                const line = (lines[i] as string).trim();
                if (line === '') continue;
                try {
                  const d = await fw.evaluate(rowToCall(parseObject(line, `line ${i + 1}`)));
                  const out: Record<string, unknown> = { decision: d.decision, reason: d.reason, rules: d.rules };
                  if (opts.json === true) Object.assign(out, { line: i + 1, step: d.step, args_sha3: d.args_sha3, atv_sha3: d.atv_sha3, ...(d.audit !== undefined ? { audit: d.audit } : {}) });
                  io.out(JSON.stringify(out));
                } catch (e) {
                  const err = toAegisError(e);
                  io.out(JSON.stringify({ line: i + 1, error: { code: err.code, message: err.message } }));
                }
              }
              return 0;
            });
          }
          if (opts.tool === undefined || opts.input === undefined) fail('USAGE', 'give --tool NAME --input JSON, or --batch FILE');
          const call: ToolCall = { tool: opts.tool, input: parseObject(opts.input, '--input') };
          call.cwd = opts.cwd ?? process.cwd();
          if (opts.session !== undefined) call.session_id = opts.session;
          return withFirewall(io, opts, async (fw) => {
            const d = await fw.evaluate(call);
            if (opts.json === true) printJson(io, d);
            else io.out(render(d));
            return d.decision === 'ALLOW' ? 0 : 1;
          });
        }),
      );
  },
};

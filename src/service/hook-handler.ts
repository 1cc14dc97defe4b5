import { callFingerprint, decide, type AgentEvent, type ApprovalBook, type Decider, type Outcome } from '../appliance/decide.js';
import type { AuditEvent } from '../audit/record.js';
import { canonicalJson, type JsonObject } from '../core/canonical-json.js';
import { toAegisError } from '../core/errors.js';
import { sha3_256Hex } from '../crypto/hash.js';
import { answerFor, failAnswer, type HookAnswer } from '../hook/answer.js';
import type { FailPolicy } from '../hook/fail-policy.js';
import { parseHookInput } from '../hook/protocol.js';
import type { AuditSink } from './audit-sink.js';

export interface HookHandlerDeps {
  decider: Decider;
  audit: AuditSink;
  approvals: ApprovalBook;
  failPolicy: FailPolicy;
}

export interface HookStats {
  events: number;
  allow: number;
  block: number;
  ask: number;
  failed: number;
}

/**
 * The daemon's hook path: parse → decide → append the audit event (durable) → answer. Every failure —
 * unreadable input, an engine exception, a log that cannot be written — ends in the fail policy's answer,
 * never in an allow; the failure itself is logged when the log still works.
 */
export function createHookHandler(deps: HookHandlerDeps): { handle(raw: Uint8Array): Promise<HookAnswer>; stats: HookStats } {
  const stats: HookStats = { events: 0, allow: 0, block: 0, ask: 0, failed: 0 };

  async function failed(code: string, why: string, eventName: string | undefined, extra: JsonObject): Promise<HookAnswer> {
    stats.failed++;
    const answer = failAnswer(deps.failPolicy.mode, eventName, why);
    try {
      await deps.audit.append({
        kind: 'hook.failed',
        decision: `fail-policy:${deps.failPolicy.mode}`,
        reason: why.slice(0, 300),
        rules: [],
        data: {
          code,
          event: eventName === undefined ? null : id(eventName),
          answered: answer.exit === 2 ? 'exit 2' : answer.stdout.length > 0 ? 'json' : 'silent',
          ...extra,
        },
      });
    } catch {
      // The log is unusable; the fail-policy answer stands on its own.
    }
    return answer;
  }

  async function handle(raw: Uint8Array): Promise<HookAnswer> {
    stats.events++;
    let event: AgentEvent;
    try {
      event = parseHookInput(raw);
    } catch (e) {
      const err = toAegisError(e);
      const ev = err.detail?.['event'];
      return failed(err.code, err.message, typeof ev === 'string' ? ev : undefined, {
        input_bytes: raw.byteLength,
        input_sha3: sha3_256Hex(raw),
      });
    }
    try {
      const outcome = await decide(event, deps.decider, deps.approvals);
      await deps.audit.append(auditEvent(outcome));
      const v = outcome.decision.verdict;
      if (event.kind === 'tool_call') {
        if (v === 'ALLOW') stats.allow++;
        else if (v === 'BLOCK') stats.block++;
        else stats.ask++;
      }
      return answerFor(outcome);
    } catch (e) {
      const err = toAegisError(e);
      const where: JsonObject = { session: id(event.sessionId) };
      if (event.kind === 'tool_call' || event.kind === 'tool_result') {
        where['tool'] = id(event.toolName);
        if (event.toolUseId !== undefined) where['tool_use_id'] = id(event.toolUseId);
      }
      return failed(err.code, `internal error ${err.code}`, eventNameOf(event), where);
    }
  }

  return { handle, stats };
}

function eventNameOf(e: AgentEvent): string {
  switch (e.kind) {
    case 'tool_call':
      return 'PreToolUse';
    case 'tool_result':
      return 'PostToolUse';
    case 'prompt':
      return 'UserPromptSubmit';
    default:
      return e.eventName;
  }
}

/** Strings taken from hook input are clipped in the log: they are identifiers, not payloads. */
function id(s: string): string {
  return s.length > 200 ? s.slice(0, 199) + '…' : s;
}

/**
 * The audit event for one decision. Arguments, prompts and tool output are represented by their SHA3-256
 * only (the log is evidence, not a copy of the user's data); the reason is the engine's one-line text.
 */
export function auditEvent(o: Outcome): AuditEvent {
  const e = o.event;
  const data: JsonObject = { trace: o.trace, event: id(eventNameOf(e)), engine: o.engine };
  const ev: AuditEvent = {
    kind: 'hook.decision',
    session: id(e.sessionId),
    decision: o.decision.verdict,
    reason: o.decision.reason.length > 1000 ? o.decision.reason.slice(0, 999) + '…' : o.decision.reason,
    rules: o.decision.rule === undefined ? [] : [o.decision.rule],
    data,
  };
  if (o.decision.detail !== undefined) data['detail'] = o.decision.detail;
  if (e.agentId !== undefined) data['agent_id'] = id(e.agentId);
  if (e.kind === 'tool_call' || e.kind === 'tool_result') {
    ev.tool = id(e.toolName);
    // Same definition as the firewall's args_sha3: SHA3-256 of the RFC 8785 form of {tool, input}.
    ev.args_sha3 = o.fingerprint ?? callFingerprint(e.toolName, e.toolInput);
    if (e.toolUseId !== undefined) data['tool_use_id'] = id(e.toolUseId);
  }
  const atv = o.decision.detail?.['atv_sha3'];
  if (typeof atv === 'string') ev.atv_sha3 = atv;
  if (e.kind === 'tool_result') data['response_sha3'] = sha3_256Hex(canonicalJson(e.toolResponse));
  if (e.kind === 'prompt') data['prompt_sha3'] = sha3_256Hex(e.prompt);
  if (o.askedTrace !== undefined) data['approved_in_claude_code'] = o.askedTrace;
  if (o.standing !== undefined) data['user_answer'] = { answer: o.standing.answer, trace: o.standing.trace, scope: o.standing.scope };
  return ev;
}

import { decide, type ApprovalBook, type Decider } from '../appliance/decide.js';
import { clipId as id, decisionRecord, eventName as eventNameOf } from '../appliance/decision-record.js';
import type { JsonObject } from '../core/canonical-json.js';
import type { AgentEvent } from '../core/decision.js';
import { toAegisError, type ErrorCode } from '../core/errors.js';
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
export function createHookHandler(deps: HookHandlerDeps): {
  handle(raw: Uint8Array, agentPid?: number): Promise<HookAnswer>;
  stats: HookStats;
} {
  const stats: HookStats = { events: 0, allow: 0, block: 0, ask: 0, failed: 0 };

  async function failed(
    code: ErrorCode,
    why: string,
    eventName: string | undefined,
    extra: JsonObject,
  ): Promise<HookAnswer> {
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

  async function handle(raw: Uint8Array, agentPid?: number): Promise<HookAnswer> {
    stats.events++;
    let event: AgentEvent;
    try {
      event = parseHookInput(raw);
      if (agentPid !== undefined) event = { ...event, agentPid };
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
      await deps.audit.append(decisionRecord(outcome, 'daemon'));
      const v = outcome.decision.decision;
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

import type { AuditEvent } from '../audit/record.js';
import { canonicalJson, type JsonObject } from '../core/canonical-json.js';
import type { AgentEvent } from '../core/decision.js';
import { AegisError, toAegisError } from '../core/errors.js';
import { sha3_256Hex } from '../crypto/hash.js';
import { callFingerprint, type Outcome } from './decide.js';

/**
 * The one decision record (kind `decision`, docs/formats.md "Decision record"), built here for every entry point
 * — the daemon's hook route and `aegis evaluate` — from the firewall's decision and its facts (step 360 hands them
 * to the caller). Arguments, prompts and tool output appear only as SHA3-256 hashes and a redacted preview: the log
 * is evidence, not a copy of the user's data.
 */

export const DECISION_KIND = 'decision';

/** Which entry point decided: the daemon (hook route) or the `aegis evaluate` command. */
export type DecisionVia = 'daemon' | 'evaluate';

/** Strings taken from agent input are clipped in the log: they are identifiers, not payloads. */
export function clipId(s: string): string {
  return s.length > 200 ? s.slice(0, 199) + '…' : s;
}

function clipReason(s: string): string {
  return s.length > 1000 ? s.slice(0, 999) + '…' : s;
}

/** The agent's own name for an event kind (Claude Code hook event names; lifecycle events carry theirs). */
export function eventName(e: AgentEvent): string {
  switch (e.kind) {
    case 'tool_call':
      return 'PreToolUse';
    case 'tool_result':
      return 'PostToolUse';
    case 'prompt':
      return 'UserPromptSubmit';
    case 'session_start':
    case 'session_stop':
    case 'other':
      return e.eventName;
  }
}

/**
 * Appends the decision record for an outcome; a log that refuses it is DECISION_NOT_LOGGED, so the caller never returns
 * a decision as final that the log does not hold (the daemon's /v1/decide and `aegis evaluate`; the hook route answers
 * by its fail policy instead).
 */
export async function appendDecision<R>(
  append: (e: AuditEvent) => Promise<R>,
  o: Outcome,
  via: DecisionVia,
): Promise<R> {
  try {
    return await append(decisionRecord(o, via));
  } catch (e) {
    throw new AegisError(
      'DECISION_NOT_LOGGED',
      `the decision could not be appended to the audit log: ${toAegisError(e).message}`,
      {
        cause: e,
      },
    );
  }
}

export function decisionRecord(o: Outcome, via: DecisionVia): AuditEvent {
  const e = o.event;
  const d = o.decision;
  const f = d.facts;
  const data: JsonObject = {
    event: clipId(eventName(e)),
    via,
    trace: o.trace,
    engine: o.engine,
    step: d.step,
  };
  if (f.canonical_tool !== undefined) data['canonical_tool'] = f.canonical_tool;
  if (f.blast !== undefined) data['blast'] = f.blast;
  if (f.hw_mask !== undefined) data['hw_mask'] = f.hw_mask;
  if (f.hw_source !== undefined) data['hw_source'] = f.hw_source;
  if (f.hw_sources !== undefined) data['hw_sources'] = f.hw_sources;
  if (f.exec !== undefined) data['exec'] = f.exec;
  if (f.preview !== undefined) data['preview'] = f.preview;
  if (f.judge !== undefined) Object.assign(data, f.judge);
  const ev: AuditEvent = {
    kind: DECISION_KIND,
    session: e.sessionId === '' ? null : clipId(e.sessionId),
    aid: e.agentId === undefined ? null : clipId(e.agentId),
    decision: d.decision,
    reason: clipReason(d.reason),
    rules: d.rules,
    atv_sha3: f.atv_sha3 ?? null,
    data,
  };
  if (e.kind === 'tool_call' || e.kind === 'tool_result') {
    ev.tool = clipId(e.toolName);
    // Same definition everywhere: SHA3-256 of the RFC 8785 form of {tool, input}.
    ev.args_sha3 = f.args_sha3 ?? o.fingerprint ?? callFingerprint(e.toolName, e.toolInput);
    if (e.toolUseId !== undefined) data['tool_use_id'] = clipId(e.toolUseId);
  }
  if (e.kind === 'tool_result') data['response_sha3'] = sha3_256Hex(canonicalJson(e.toolResponse));
  if (e.kind === 'prompt') data['prompt_sha3'] = sha3_256Hex(e.prompt);
  if (o.askedTrace !== undefined) data['approved_in_claude_code'] = o.askedTrace;
  if (o.standing !== undefined)
    data['user_answer'] = { answer: o.standing.answer, trace: o.standing.trace, scope: o.standing.scope };
  return ev;
}

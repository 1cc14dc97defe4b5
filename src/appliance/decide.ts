import { randomBytes } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../core/canonical-json.js';
import type { AgentEvent, Decision } from '../core/decision.js';
import { sha3_256Hex } from '../crypto/hash.js';

/**
 * The composition that turns one agent event (a Claude Code hook event, already parsed by src/hook) into a
 * decision: the firewall engine decides, user approvals and denials (`aegis approve|deny <trace>`) refine
 * REQUIRE_APPROVAL, and the caller logs the outcome. Agent-neutral on purpose: src/hook maps the Claude Code
 * protocol onto these types, so another agent front-end can reuse the same decision path.
 */

/**
 * What decides events: the firewall engine (src/appliance/engine.ts), or the stand-in below. One instance lives in
 * the daemon for its whole life, so stateful detectors (loop, circuit breaker, budgets, drift) see every call.
 */
export interface Decider {
  /** Name recorded in each decision record so an auditor knows which engine decided. */
  readonly name: string;
  decide(event: AgentEvent): Promise<Decision> | Decision;
}

/** Scope of a user approval (`aegis approve <trace> --once|--session|--always`). */
export type ApprovalScope = 'once' | 'session' | 'always';

/** A user's earlier answer that matches this call. */
export interface StandingAnswer {
  answer: 'approved' | 'denied';
  trace: string;
  scope: ApprovalScope;
}

/** User approvals and denials, held by the daemon (src/service/approvals.ts). */
export interface ApprovalBook {
  /** The user's answer for this call, if any (a denial wins over an approval). */
  match(sessionId: string, fingerprint: string): StandingAnswer | undefined;
  /** Called when an approval was used; a `once` approval is spent by it. */
  used(answer: StandingAnswer): void;
  /** Remembers an asked call under its trace so `aegis approve <trace>` can find it. */
  remember(
    trace: string,
    call: { sessionId: string; fingerprint: string; toolName: string; reason: string; toolUseId?: string },
  ): void;
  /**
   * The trace of an asked call that has now run (PostToolUse with the same tool_use_id): the user approved it in
   * Claude Code's own prompt. Undefined when the call was not asked about.
   */
  ranAfterAsk?(toolUseId: string): string | undefined;
}

/** The result of the composition, ready to be logged and mapped onto the hook protocol. */
export interface Outcome {
  event: AgentEvent;
  decision: Decision;
  /** Short id printed to users and used by `aegis approve <trace>`; also the audit record's trace. */
  trace: string;
  /** SHA3-256 of the canonical {tool, input}: what approvals match on (no raw arguments in the book). */
  fingerprint?: string;
  /** Set when an earlier user answer changed the engine's verdict. */
  standing?: StandingAnswer;
  /** PostToolUse of a call Aegis asked about: the trace of that question (the user said yes in Claude Code). */
  askedTrace?: string;
  engine: string;
}

export function newTrace(): string {
  return randomBytes(6).toString('hex');
}

/** Identity of a tool call for approvals: same tool, same input (RFC 8785 form, so key order is irrelevant). */
export function callFingerprint(toolName: string, toolInput: JsonObject): string {
  return sha3_256Hex(canonicalJson({ tool: toolName, input: toolInput }));
}

/**
 * Decides one event. The engine always runs first so its stateful detectors see every call (a loop is a
 * loop even when the user approved one instance). A user denial turns any verdict into BLOCK; a user
 * approval turns REQUIRE_APPROVAL (never BLOCK) into ALLOW; an unanswered REQUIRE_APPROVAL is remembered
 * under its trace for `aegis approve`.
 */
export async function decide(event: AgentEvent, decider: Decider, book?: ApprovalBook): Promise<Outcome> {
  const trace = newTrace();
  const decision = await decider.decide(event);
  const out: Outcome = { event, decision, trace, engine: decider.name };
  if (event.kind === 'tool_result' && event.toolUseId !== undefined) {
    const asked = book?.ranAfterAsk?.(event.toolUseId);
    if (asked !== undefined) out.askedTrace = asked;
  }
  if (event.kind !== 'tool_call') return out;
  const fingerprint = callFingerprint(event.toolName, event.toolInput);
  out.fingerprint = fingerprint;
  if (book === undefined) return out;
  const standing = book.match(event.sessionId, fingerprint);
  if (standing?.answer === 'denied') {
    out.standing = standing;
    out.decision = {
      ...decision,
      decision: 'BLOCK',
      reason: `denied by the user (aegis deny ${standing.trace})`,
      rules: ['user:deny', ...decision.rules],
    };
  } else if (standing?.answer === 'approved' && decision.decision === 'REQUIRE_APPROVAL') {
    out.standing = standing;
    book.used(standing);
    out.decision = {
      ...decision,
      decision: 'ALLOW',
      reason: `approved by the user (aegis approve ${standing.trace} --${standing.scope}); engine said: ${decision.reason}`,
      rules: ['user:approve', ...decision.rules],
    };
  } else if (decision.decision === 'REQUIRE_APPROVAL') {
    book.remember(trace, {
      sessionId: event.sessionId,
      fingerprint,
      toolName: event.toolName,
      reason: decision.reason,
      ...(event.toolUseId === undefined ? {} : { toolUseId: event.toolUseId }),
    });
  }
  return out;
}

const RECORDED: Decision = {
  decision: 'ALLOW',
  reason: 'recorded',
  rules: [],
  step: null,
  steps: [],
  facts: {},
};

/**
 * Stand-in used only while no firewall engine is available (tests of the daemon's plumbing): it never allows a
 * tool call on its own (asks the user instead) and lets observe-only events through.
 */
export const standInDecider: Decider = {
  name: 'stand-in (no firewall engine)',
  decide(event: AgentEvent): Decision {
    if (event.kind === 'tool_call')
      return {
        ...RECORDED,
        decision: 'REQUIRE_APPROVAL',
        reason: 'no firewall engine is installed, so every tool call needs your approval',
      };
    return RECORDED;
  },
};

import { randomBytes } from 'node:crypto';
import { canonicalJson, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import { sha3_256Hex } from '../crypto/hash.js';
import type { Firewall } from '../firewall/firewall.js';

/**
 * The composition that turns one agent event (a Claude Code hook event, already parsed by src/hook) into a
 * decision: the firewall engine decides, user approvals and denials (`aegis approve|deny <trace>`) refine
 * REQUIRE_APPROVAL, and the caller logs the outcome. Agent-neutral on purpose: src/hook maps the Claude Code
 * protocol onto these types, so another agent front-end can reuse the same decision path.
 */

/** The firewall's three outcomes (DESIGN.md, "The three flows": Decision). */
export type Verdict = 'ALLOW' | 'BLOCK' | 'REQUIRE_APPROVAL';

interface EventBase {
  sessionId: string;
  cwd?: string;
  permissionMode?: string;
  agentId?: string;
}

/** PreToolUse: a call the agent wants to make; the only event whose decision gates an action up front. */
export interface ToolCallEvent extends EventBase {
  kind: 'tool_call';
  toolName: string;
  toolInput: JsonObject;
  toolUseId?: string;
}

/** PostToolUse: the call ran; its response is checked for injection and secrets. */
export interface ToolResultEvent extends EventBase {
  kind: 'tool_result';
  toolName: string;
  toolInput: JsonObject;
  toolResponse: JsonValue;
  toolUseId?: string;
}

/** UserPromptSubmit: the prompt is checked for injection before the model sees it. */
export interface PromptEvent extends EventBase {
  kind: 'prompt';
  prompt: string;
}

/** SessionStart / Stop and events Aegis only records. */
export interface LifecycleEvent extends EventBase {
  kind: 'session_start' | 'session_stop' | 'other';
  eventName: string;
  source?: string;
}

export type AgentEvent = ToolCallEvent | ToolResultEvent | PromptEvent | LifecycleEvent;

export interface Decision {
  verdict: Verdict;
  /** One line for people (shown to Claude or the user); never carries secrets or raw arguments. */
  reason: string;
  /** Stable rule id when a rule fired (e.g. `rule:git_destructive`). */
  rule?: string;
  /** Extra non-secret facts for the audit record (step traces, scores). */
  detail?: JsonObject;
}

/**
 * What the firewall engine provides. One instance lives in the daemon for its whole life, so stateful
 * detectors (loop, circuit breaker, budgets, drift) see every call of every session.
 */
export interface Decider {
  /** Name recorded in each audit event so an auditor knows which engine decided. */
  readonly name: string;
  evaluate(event: AgentEvent): Promise<Decision> | Decision;
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
  remember(trace: string, call: { sessionId: string; fingerprint: string; toolName: string; reason: string; toolUseId?: string }): void;
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
  const decision = await decider.evaluate(event);
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
    out.decision = { verdict: 'BLOCK', reason: `denied by the user (aegis deny ${standing.trace})`, rule: 'user:deny' };
  } else if (standing?.answer === 'approved' && decision.verdict === 'REQUIRE_APPROVAL') {
    out.standing = standing;
    book.used(standing);
    out.decision = {
      verdict: 'ALLOW',
      reason: `approved by the user (aegis approve ${standing.trace} --${standing.scope}); engine said: ${decision.reason}`,
      rule: 'user:approve',
    };
  } else if (decision.verdict === 'REQUIRE_APPROVAL') {
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

/**
 * Stand-in used only while no firewall engine is available: it never allows a tool call on its own (asks the
 * user instead) and lets observe-only events through. Replaced by the engine from src/firewall.
 */
export const standInDecider: Decider = {
  name: 'stand-in (no firewall engine)',
  evaluate(event: AgentEvent): Decision {
    if (event.kind === 'tool_call')
      return { verdict: 'REQUIRE_APPROVAL', reason: 'no firewall engine is installed, so every tool call needs your approval' };
    return { verdict: 'ALLOW', reason: 'recorded' };
  },
};

/** Largest amount of tool output or prompt text scanned for injection and secrets (the head is what a model reads first). */
const MAX_SCANNED_TEXT = 1024 * 1024;

/** Every string inside a JSON value, joined by newlines, up to `max` characters. */
function textOf(v: JsonValue, max: number): string {
  const parts: string[] = [];
  let n = 0;
  const walk = (x: JsonValue): void => {
    if (n >= max) return;
    if (typeof x === 'string') {
      parts.push(x);
      n += x.length + 1;
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(v);
  return parts.join('\n').slice(0, max);
}

/**
 * The firewall engine (src/firewall) as a Decider. Tool calls go through its whole pipeline (normalise → ATV →
 * steps 305…370, stateful detectors in `stateDir`); tool output (PostToolUse) and prompts (UserPromptSubmit)
 * are scanned with the same rule packs' prompt-injection text patterns and its secret patterns, without
 * touching the per-call detectors (output is not a call).
 */
export function firewallDecider(fw: Firewall): Decider {
  const injection = fw.policies.packs
    .flatMap((p) => p.rules)
    .filter((r) => r.category === 'prompt-injection' && r.match.text !== undefined)
    .map((r) => ({ rule: r, re: new RegExp(r.match.text?.regex ?? '$^', 'i') }));

  function scan(text: string): { rule: string; summary: string } | undefined {
    for (const { rule, re } of injection) if (re.test(text)) return { rule: rule.id, summary: rule.summary };
    return undefined;
  }

  return {
    name: 'aegis firewall',
    async evaluate(e: AgentEvent): Promise<Decision> {
      if (e.kind === 'tool_call') {
        const d = await fw.evaluate({
          tool: e.toolName,
          input: e.toolInput,
          session_id: e.sessionId,
          ...(e.cwd === undefined ? {} : { cwd: e.cwd }),
          ...(e.toolUseId === undefined ? {} : { tool_use_id: e.toolUseId }),
          ...(e.agentId === undefined ? {} : { aid: e.agentId }),
        });
        const out: Decision = {
          verdict: d.decision,
          reason: d.reason,
          detail: {
            step: d.step,
            rules: d.rules,
            canonical_tool: d.canonical_tool,
            blast: d.blast,
            atv_sha3: d.atv_sha3,
            hw_mask: d.hw_mask,
            exec: d.exec,
            preview: d.preview,
          },
        };
        if (d.rules[0] !== undefined) out.rule = d.rules[0];
        return out;
      }
      if (e.kind === 'tool_result' || e.kind === 'prompt') {
        const text = e.kind === 'prompt' ? e.prompt.slice(0, MAX_SCANNED_TEXT) : textOf(e.toolResponse, MAX_SCANNED_TEXT);
        const where = e.kind === 'prompt' ? 'the prompt' : `the ${e.toolName} output`;
        const hit = scan(text);
        // Injection in tool output is data steering the agent: flag it hard. In the user's own prompt: warn.
        if (hit !== undefined)
          return { verdict: e.kind === 'prompt' ? 'REQUIRE_APPROVAL' : 'BLOCK', reason: `${where}: ${hit.summary}`, rule: hit.rule };
        if (fw.redactor.hasSecret(text))
          return { verdict: e.kind === 'prompt' ? 'REQUIRE_APPROVAL' : 'BLOCK', reason: `${where} contains a credential or secret`, rule: 'secret-in-text' };
        return { verdict: 'ALLOW', reason: 'no injection or secret found' };
      }
      return { verdict: 'ALLOW', reason: 'recorded' };
    },
  };
}

import type { Outcome } from '../appliance/decide.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import {
  VERDICTS,
  type AgentEvent,
  type Decision,
  type DecisionFacts,
  type StepTrace,
  type Verdict,
} from '../core/decision.js';
import { AegisError, fail } from '../core/errors.js';
import { socketJson } from './client.js';

/**
 * The daemon's POST /v1/decide route, both ends: `aegis evaluate` hands its events to a running daemon (the log's
 * single writer, DESIGN.md "The three flows") instead of failing with AUDIT_LOCKED, and the daemon decides them on
 * its own engine and records them with `via: "evaluate"`. The body is an AgentEvent (src/core/decision.ts) as JSON.
 */

export const DECIDE_ROUTE = '/v1/decide';

export interface DecideAnswer {
  outcome: Outcome;
  audit?: { seq: number; this_hash: string };
}

const KINDS = new Set<AgentEvent['kind']>([
  'tool_call',
  'tool_result',
  'prompt',
  'session_start',
  'session_stop',
  'other',
]);

function bad(message: string): never {
  return fail('DECIDE_REQUEST_INVALID', message);
}

function optStr(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bad(`event "${key}" must be a string`);
  return v;
}

function optPid(o: JsonObject): number | undefined {
  const v = o['agentPid'];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    bad('event "agentPid" must be a process id');
  return v;
}

function reqStr(o: JsonObject, key: string): string {
  const v = optStr(o, key);
  if (v === undefined) bad(`event has no "${key}" string`);
  return v;
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

/** Checks a JSON value is an AgentEvent of a known kind with the fields that kind needs; nothing else is kept. */
export function agentEventFromWire(v: JsonValue): AgentEvent {
  if (!isJsonObject(v)) bad('the event must be a JSON object');
  const kind = reqStr(v, 'kind');
  if (!KINDS.has(kind as AgentEvent['kind'])) bad(`unknown event kind "${kind.slice(0, 32)}"`);
  const base = {
    sessionId: reqStr(v, 'sessionId'),
    ...opt('cwd', optStr(v, 'cwd')),
    ...opt('permissionMode', optStr(v, 'permissionMode')),
    ...opt('agentId', optStr(v, 'agentId')),
    ...opt('agentPid', optPid(v)),
  };
  const toolInput = (): JsonObject => {
    const i = v['toolInput'];
    if (!isJsonObject(i)) bad('event "toolInput" must be a JSON object');
    return i;
  };
  switch (kind as AgentEvent['kind']) {
    case 'tool_call':
      return {
        kind: 'tool_call',
        ...base,
        toolName: reqStr(v, 'toolName'),
        toolInput: toolInput(),
        ...opt('toolUseId', optStr(v, 'toolUseId')),
      };
    case 'tool_result': {
      const toolResponse = v['toolResponse'];
      if (toolResponse === undefined) bad('a tool_result event needs "toolResponse"');
      return {
        kind: 'tool_result',
        ...base,
        toolName: reqStr(v, 'toolName'),
        toolInput: toolInput(),
        toolResponse,
        ...opt('toolUseId', optStr(v, 'toolUseId')),
      };
    }
    case 'prompt':
      return { kind: 'prompt', ...base, prompt: reqStr(v, 'prompt') };
    case 'session_start':
    case 'session_stop':
    case 'other':
      return {
        kind: kind as 'session_start' | 'session_stop' | 'other',
        ...base,
        eventName: reqStr(v, 'eventName'),
        ...opt('source', optStr(v, 'source')),
      };
  }
}

/** What the route answers: the decision, its trace, and where it sits in the log. */
export function decideAnswerToWire(a: DecideAnswer): JsonObject {
  const d = a.outcome.decision;
  return JSON.parse(
    JSON.stringify({
      decision: d.decision,
      reason: d.reason,
      rules: d.rules,
      step: d.step,
      steps: d.steps,
      facts: d.facts,
      trace: a.outcome.trace,
      engine: a.outcome.engine,
      ...(a.audit === undefined ? {} : { audit: a.audit }),
    }),
  ) as JsonObject;
}

function answerFromWire(event: AgentEvent, v: unknown): DecideAnswer {
  const o = isJsonObject(v) ? v : {};
  const verdict = o['decision'];
  if (
    typeof verdict !== 'string' ||
    !VERDICTS.includes(verdict as Verdict) ||
    typeof o['reason'] !== 'string' ||
    typeof o['trace'] !== 'string'
  )
    throw new AegisError(
      'DAEMON_BAD_ANSWER',
      'the daemon answered /v1/decide without a decision, reason and trace',
    );
  const decision: Decision = {
    decision: verdict as Verdict,
    reason: o['reason'],
    rules: Array.isArray(o['rules']) ? o['rules'].filter((r): r is string => typeof r === 'string') : [],
    step: typeof o['step'] === 'number' ? o['step'] : null,
    steps: Array.isArray(o['steps']) ? (o['steps'] as unknown as StepTrace[]) : [],
    facts: isJsonObject(o['facts']) ? (o['facts'] as unknown as DecisionFacts) : {},
  };
  const audit = o['audit'];
  return {
    outcome: {
      event,
      decision,
      trace: o['trace'],
      engine: typeof o['engine'] === 'string' ? o['engine'] : 'daemon',
    },
    ...(isJsonObject(audit) && typeof audit['seq'] === 'number' && typeof audit['this_hash'] === 'string'
      ? { audit: { seq: audit['seq'], this_hash: audit['this_hash'] } }
      : {}),
  };
}

/** Client end: one event decided and recorded by the daemon on `socket`. */
export async function decideViaDaemon(socket: string, event: AgentEvent): Promise<DecideAnswer> {
  return answerFromWire(event, await socketJson(socket, 'POST', DECIDE_ROUTE, { event }, 60_000));
}

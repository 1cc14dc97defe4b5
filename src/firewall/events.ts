import type { JsonValue } from '../core/canonical-json.js';
import type { AgentEvent, ToolCall, ToolCallEvent } from '../core/decision.js';
import type { TextSurface } from './policy/types.js';

/**
 * How agent events (src/core/decision.ts) reach the firewall: a PreToolUse becomes a ToolCall for the pipeline;
 * a PostToolUse response and a user prompt become text for the injection and secret checks (PostToolUse cannot
 * undo a call, so its verdict is advice the hook reports); lifecycle events carry nothing to check.
 */

export function toolCallOf(e: ToolCallEvent): ToolCall {
  return {
    tool: e.toolName,
    input: e.toolInput,
    session_id: e.sessionId,
    ...(e.cwd === undefined ? {} : { cwd: e.cwd }),
    ...(e.toolUseId === undefined ? {} : { tool_use_id: e.toolUseId }),
    ...(e.agentId === undefined ? {} : { aid: e.agentId }),
    ...(e.agentPid === undefined ? {} : { agent_pid: e.agentPid }),
  };
}

/** Largest amount of tool output or prompt text scanned (the head is what a model reads first). */
export const MAX_SCANNED_TEXT = 1024 * 1024;

/** Every string inside a JSON value, joined by newlines, up to `max` characters (JSON escapes would hide text). */
export function stringsOf(v: JsonValue, max: number): string {
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

/** The text an event puts in front of the model, where it came from, and which rule surface applies. */
export function eventText(e: AgentEvent): { text: string; surface: TextSurface; where: string } | undefined {
  if (e.kind === 'prompt')
    return { text: e.prompt.slice(0, MAX_SCANNED_TEXT), surface: 'prompt', where: 'the prompt' };
  if (e.kind === 'tool_result')
    return {
      text: stringsOf(e.toolResponse, MAX_SCANNED_TEXT),
      surface: 'content',
      where: `the ${e.toolName} output`,
    };
  return undefined;
}

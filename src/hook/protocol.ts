import type { AgentEvent } from '../core/decision.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import { AegisError } from '../core/errors.js';
import type { ClaudeCodeIntegrationErrorCode } from '../core/error-codes.js';

/**
 * Parses the JSON that Claude Code writes to a hook's stdin (reference/claude-code-hooks.md §2 common
 * fields, §3 PreToolUse, §4 other events) into an agent-neutral event. Every defect is an AegisError with a
 * stable code and, when it could be read, the event name in `detail.event` so the fail policy can answer in
 * that event's own format.
 */

/** Largest stdin accepted. Write/Edit inputs carry whole files, so this is generous; beyond it we refuse. */
export const MAX_HOOK_INPUT_BYTES = 16 * 1024 * 1024;

/** The header with the hook's parent (the agent) whose counters fill the hardware band (shim and Node fallback). */
export const AGENT_PID_HEADER = 'x-aegis-agent-pid';

/** Events Aegis gates or records; others are recorded as `other`. */
export const KNOWN_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'UserPromptSubmit',
  'SessionStart',
  'Stop',
] as const;

function bad(code: ClaudeCodeIntegrationErrorCode, message: string, event?: string): never {
  throw new AegisError(code, message, event === undefined ? undefined : { detail: { event } });
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function str(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function requireStr(o: JsonObject, key: string, event: string): string {
  const v = str(o, key);
  if (v === undefined || v.length === 0)
    bad('HOOK_INPUT_FIELD_MISSING', `${event} input has no "${key}" string`, event);
  return v;
}

function requireObject(o: JsonObject, key: string, event: string): JsonObject {
  const v = o[key];
  if (!isJsonObject(v)) bad('HOOK_INPUT_FIELD_MISSING', `${event} input has no "${key}" object`, event);
  return v;
}

export function parseHookInput(raw: Uint8Array): AgentEvent {
  if (raw.byteLength > MAX_HOOK_INPUT_BYTES)
    bad(
      'HOOK_INPUT_TOO_LARGE',
      `hook input is ${raw.byteLength} bytes; the limit is ${MAX_HOOK_INPUT_BYTES}`,
    );
  let text: string;
  try {
    text = utf8Strict.decode(raw);
  } catch {
    return bad('HOOK_INPUT_INVALID', 'hook input is not UTF-8 text');
  }
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return bad('HOOK_INPUT_INVALID', `hook input is not JSON (${raw.byteLength} bytes)`);
  }
  if (!isJsonObject(parsed)) return bad('HOOK_INPUT_INVALID', 'hook input is not a JSON object');
  return toEvent(parsed);
}

function toEvent(o: JsonObject): AgentEvent {
  const eventName = str(o, 'hook_event_name');
  if (eventName === undefined || eventName.length === 0)
    bad('HOOK_INPUT_FIELD_MISSING', 'hook input has no "hook_event_name" string');
  const base = {
    sessionId: requireStr(o, 'session_id', eventName),
    ...optional('cwd', str(o, 'cwd')),
    ...optional('permissionMode', str(o, 'permission_mode')),
    ...optional('agentId', str(o, 'agent_id')),
  };
  switch (eventName) {
    case 'PreToolUse':
      return {
        kind: 'tool_call',
        ...base,
        toolName: requireStr(o, 'tool_name', eventName),
        toolInput: requireObject(o, 'tool_input', eventName),
        ...optional('toolUseId', str(o, 'tool_use_id')),
      };
    case 'PostToolUse': {
      const response = o['tool_response'];
      if (response === undefined)
        bad('HOOK_INPUT_FIELD_MISSING', 'PostToolUse input has no "tool_response"', eventName);
      return {
        kind: 'tool_result',
        ...base,
        toolName: requireStr(o, 'tool_name', eventName),
        toolInput: requireObject(o, 'tool_input', eventName),
        toolResponse: response,
        ...optional('toolUseId', str(o, 'tool_use_id')),
      };
    }
    case 'UserPromptSubmit': {
      const prompt = str(o, 'prompt');
      if (prompt === undefined)
        bad('HOOK_INPUT_FIELD_MISSING', 'UserPromptSubmit input has no "prompt" string', eventName);
      return { kind: 'prompt', ...base, prompt };
    }
    case 'SessionStart':
      return { kind: 'session_start', ...base, eventName, ...optional('source', str(o, 'source')) };
    case 'Stop':
      return { kind: 'session_stop', ...base, eventName };
    default:
      return { kind: 'other', ...base, eventName };
  }
}

function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };
}

import { isJsonObject, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import type { AgentEvent } from '../core/decision.js';
import { fail } from '../core/errors.js';
import { parseHookInput } from '../hook/protocol.js';

/**
 * Rows of `aegis evaluate --batch`, turned into the same agent events the daemon decides:
 *   - a Claude Code hook input (any object with `hook_event_name`: PreToolUse, PostToolUse with its
 *     `tool_response`, UserPromptSubmit …), parsed by the hook's own parser, so a batch and the installed hook
 *     take one road;
 *   - a peer-corpus row {tool, input, context?: {cwd?, session_id?}, cwd?, session_id?}: a tool call.
 */

export function parseJsonObject(text: string, what: string): JsonObject {
  let v: JsonValue;
  try {
    v = JSON.parse(text) as JsonValue;
  } catch {
    return fail('EVALUATE_INPUT_INVALID', `${what} is not valid JSON`);
  }
  if (!isJsonObject(v)) fail('EVALUATE_INPUT_INVALID', `${what} must be a JSON object`);
  return v;
}

const str = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

export function rowToEvent(row: JsonObject, line: string): AgentEvent {
  if (row['hook_event_name'] !== undefined) return parseHookInput(new TextEncoder().encode(line));
  const tool = str(row['tool']);
  const input = row['input'];
  if (tool === undefined)
    fail('EVALUATE_ROW_INVALID', 'row has no "tool" string (or "hook_event_name" for a hook input)');
  if (!isJsonObject(input)) fail('EVALUATE_ROW_INVALID', 'row "input" must be a JSON object');
  const ctx = row['context'];
  const c: JsonObject = isJsonObject(ctx) ? ctx : {};
  const cwd = str(c['cwd']) ?? str(row['cwd']);
  return {
    kind: 'tool_call',
    toolName: tool,
    toolInput: input,
    sessionId: str(row['session_id']) ?? str(c['session_id']) ?? '',
    ...(cwd === undefined ? {} : { cwd }),
  };
}

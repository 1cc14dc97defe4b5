/**
 * Builders for the JSON Claude Code writes to a hook's stdin (reference/claude-code-hooks.md §2–§4), for
 * scripts that drive the real shim and daemon (the demo, benches, tests) with realistic events.
 */
export interface EventContext {
  sessionId: string;
  cwd: string;
  permissionMode?: string;
  transcriptPath?: string;
}

function common(c: EventContext, event: string): Record<string, unknown> {
  return {
    session_id: c.sessionId,
    transcript_path: c.transcriptPath ?? `/tmp/claude/${c.sessionId}.jsonl`,
    cwd: c.cwd,
    permission_mode: c.permissionMode ?? 'default',
    hook_event_name: event,
  };
}

let counter = 0;
const toolUseId = (): string => `toolu_${(++counter).toString().padStart(6, '0')}`;

export function preToolUseEvent(
  c: EventContext,
  tool: string,
  input: Record<string, unknown>,
  id = toolUseId(),
): string {
  return JSON.stringify({ ...common(c, 'PreToolUse'), tool_name: tool, tool_input: input, tool_use_id: id });
}

export function postToolUseEvent(
  c: EventContext,
  tool: string,
  input: Record<string, unknown>,
  response: unknown,
  id = toolUseId(),
): string {
  return JSON.stringify({
    ...common(c, 'PostToolUse'),
    tool_name: tool,
    tool_input: input,
    tool_response: response,
    tool_use_id: id,
  });
}

export function userPromptEvent(c: EventContext, prompt: string): string {
  return JSON.stringify({ ...common(c, 'UserPromptSubmit'), prompt });
}

export function sessionStartEvent(
  c: EventContext,
  source: 'startup' | 'resume' | 'clear' | 'compact' = 'startup',
): string {
  return JSON.stringify({ ...common(c, 'SessionStart'), source });
}

export function stopEvent(c: EventContext): string {
  return JSON.stringify({ ...common(c, 'Stop'), stop_hook_active: false });
}

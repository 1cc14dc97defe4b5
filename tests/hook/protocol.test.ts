import { describe, expect, it } from 'vitest';
import { AegisError } from '#core/errors.js';
import { parseHookInput, MAX_HOOK_INPUT_BYTES } from '#hook/protocol.js';

const enc = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

function code(raw: Uint8Array): { code: string; event: unknown } {
  try {
    parseHookInput(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(AegisError);
    return { code: (e as AegisError).code, event: (e as AegisError).detail?.['event'] };
  }
  throw new Error('expected a failure');
}

describe('parseHookInput (Claude Code hook stdin)', () => {
  it('maps PreToolUse onto a tool call with the common fields', () => {
    const e = parseHookInput(
      enc({
        session_id: 's',
        cwd: '/p',
        permission_mode: 'default',
        hook_event_name: 'PreToolUse',
        tool_name: 'mcp__memory__create',
        tool_input: { a: 1 },
        tool_use_id: 'toolu_1',
        agent_id: 'sub-1',
      }),
    );
    expect(e).toEqual({
      kind: 'tool_call',
      sessionId: 's',
      cwd: '/p',
      permissionMode: 'default',
      agentId: 'sub-1',
      toolName: 'mcp__memory__create',
      toolInput: { a: 1 },
      toolUseId: 'toolu_1',
    });
  });

  it('maps PostToolUse, UserPromptSubmit, SessionStart, Stop and unknown events', () => {
    expect(
      parseHookInput(
        enc({
          session_id: 's',
          hook_event_name: 'PostToolUse',
          tool_name: 'Bash',
          tool_input: {},
          tool_response: { stdout: 'x' },
        }),
      ).kind,
    ).toBe('tool_result');
    expect(
      parseHookInput(enc({ session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: 'hi' })).kind,
    ).toBe('prompt');
    expect(
      parseHookInput(enc({ session_id: 's', hook_event_name: 'SessionStart', source: 'startup' })),
    ).toMatchObject({ kind: 'session_start', source: 'startup' });
    expect(
      parseHookInput(enc({ session_id: 's', hook_event_name: 'Stop', stop_hook_active: false })).kind,
    ).toBe('session_stop');
    expect(parseHookInput(enc({ session_id: 's', hook_event_name: 'FileChanged' }))).toMatchObject({
      kind: 'other',
      eventName: 'FileChanged',
    });
  });

  it('refuses input that is not UTF-8, not JSON or not an object', () => {
    expect(code(Uint8Array.of(0xff, 0xfe, 0x00, 0x7b)).code).toBe('HOOK_INPUT_INVALID');
    expect(code(enc('{"session_id": ')).code).toBe('HOOK_INPUT_INVALID');
    expect(code(enc('[1,2]')).code).toBe('HOOK_INPUT_INVALID');
    expect(code(enc('')).code).toBe('HOOK_INPUT_INVALID');
  });

  it('names the event when a field is missing, so the fail policy can answer in its format', () => {
    expect(code(enc({ session_id: 's' }))).toEqual({ code: 'HOOK_INPUT_FIELD_MISSING', event: undefined });
    expect(code(enc({ session_id: 's', hook_event_name: 'PreToolUse', tool_input: {} }))).toEqual({
      code: 'HOOK_INPUT_FIELD_MISSING',
      event: 'PreToolUse',
    });
    expect(
      code(
        enc({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: 'rm -rf /' }),
      ),
    ).toEqual({
      code: 'HOOK_INPUT_FIELD_MISSING',
      event: 'PreToolUse',
    });
    expect(code(enc({ hook_event_name: 'UserPromptSubmit', prompt: 'x' }))).toEqual({
      code: 'HOOK_INPUT_FIELD_MISSING',
      event: 'UserPromptSubmit',
    });
  });

  it('refuses input over the size limit without parsing it', () => {
    expect(code(new Uint8Array(MAX_HOOK_INPUT_BYTES + 1)).code).toBe('HOOK_INPUT_TOO_LARGE');
  });
});

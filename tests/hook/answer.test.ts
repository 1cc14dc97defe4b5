import { describe, expect, it } from 'vitest';
import type { Outcome } from '#appliance/decide.js';
import { answerFor, decodeWire, encodeWire, failAnswer } from '#hook/answer.js';

const call = { kind: 'tool_call' as const, sessionId: 's', toolName: 'Bash', toolInput: { command: 'x' } };
const outcome = (
  verdict: 'ALLOW' | 'BLOCK' | 'REQUIRE_APPROVAL',
  event: Outcome['event'] = call,
): Outcome => ({
  event,
  decision: { decision: verdict, reason: 'because\nof a rule', rules: [], step: null, steps: [], facts: {} },
  trace: 'abcdef012345',
  engine: 't',
});

describe('answerFor (decision → Claude Code hook output)', () => {
  it('PreToolUse: ALLOW is silent, BLOCK is deny, REQUIRE_APPROVAL is ask with the approve command', () => {
    expect(answerFor(outcome('ALLOW'))).toEqual({ exit: 0, stdout: '', stderr: '' });
    const deny = JSON.parse(answerFor(outcome('BLOCK')).stdout);
    expect(deny.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(deny.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(deny.hookSpecificOutput.permissionDecisionReason).not.toContain('\n');
    const ask = JSON.parse(answerFor(outcome('REQUIRE_APPROVAL')).stdout);
    expect(ask.hookSpecificOutput.permissionDecision).toBe('ask');
    expect(ask.hookSpecificOutput.permissionDecisionReason).toContain('aegis approve abcdef012345');
  });

  it('PostToolUse and UserPromptSubmit use top-level decision "block"', () => {
    const post = {
      kind: 'tool_result' as const,
      sessionId: 's',
      toolName: 'WebFetch',
      toolInput: {},
      toolResponse: 'x',
    };
    expect(JSON.parse(answerFor(outcome('BLOCK', post)).stdout).decision).toBe('block');
    const prompt = { kind: 'prompt' as const, sessionId: 's', prompt: 'p' };
    expect(JSON.parse(answerFor(outcome('BLOCK', prompt)).stdout).decision).toBe('block');
    expect(answerFor(outcome('ALLOW', prompt)).stdout).toBe('');
    expect(
      answerFor(outcome('ALLOW', { kind: 'session_stop', sessionId: 's', eventName: 'Stop' })).stdout,
    ).toBe('');
  });

  it('keeps stdout far below the 10,000-character cap', () => {
    const long: Outcome = {
      ...outcome('BLOCK'),
      decision: {
        decision: 'BLOCK',
        reason: 'r'.repeat(50_000),
        rules: [],
        step: null,
        steps: [],
        facts: {},
      },
    };
    expect(answerFor(long).stdout.length).toBeLessThan(2000);
  });
});

describe('failAnswer (fail policy)', () => {
  it('never allows: deny / ask on PreToolUse, block prompts under deny, exit 2 for unknown input', () => {
    expect(
      JSON.parse(failAnswer('deny', 'PreToolUse', 'x').stdout).hookSpecificOutput.permissionDecision,
    ).toBe('deny');
    expect(
      JSON.parse(failAnswer('ask', 'PreToolUse', 'x').stdout).hookSpecificOutput.permissionDecision,
    ).toBe('ask');
    expect(JSON.parse(failAnswer('deny', 'UserPromptSubmit', 'x').stdout).decision).toBe('block');
    const unknown = failAnswer('deny', undefined, 'x');
    expect(unknown.exit).toBe(2);
    expect(unknown.stderr).toContain('aegis install --rescue');
    // Stop is never blocked by a failure (blocking would keep the agent running).
    const stop = failAnswer('deny', 'Stop', 'x');
    expect(stop.exit).toBe(0);
    expect(JSON.parse(stop.stdout).decision).toBeUndefined();
  });

  it('says how to recover', () => {
    const r = JSON.parse(failAnswer('deny', 'PreToolUse', 'daemon down').stdout).hookSpecificOutput
      .permissionDecisionReason as string;
    expect(r).toContain('aegis daemon start');
  });
});

describe('wire form between daemon and shim', () => {
  it('round-trips and detects a cut answer', () => {
    const a = { exit: 2 as const, stdout: '{"a":1}', stderr: 'why' };
    expect(decodeWire(encodeWire(a))).toEqual(a);
    expect(decodeWire(encodeWire({ exit: 0, stdout: '', stderr: '' }))).toEqual({
      exit: 0,
      stdout: '',
      stderr: '',
    });
    const wire = encodeWire(a);
    expect(decodeWire(wire.slice(0, wire.length - 3))).toBeUndefined();
    expect(decodeWire('1\n\n\n.\n')).toBeUndefined();
  });
});

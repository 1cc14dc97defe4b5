import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decider } from '#appliance/decide.js';
import type { AgentEvent, Decision } from '#core/decision.js';
import { aegisHome, ensureHome, type AegisHome } from '#appliance/home.js';
import { writeFileKeys } from '#crypto/key-files.js';

/** A fresh $AEGIS_HOME with audit keys, short enough for a unix socket path. */
export function tempHome(tag = 'h'): { home: AegisHome; env: Record<string, string>; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `ae-${tag}-`));
  const home = aegisHome({ AEGIS_HOME: root });
  ensureHome(home, ['keys', 'state', 'log']);
  writeFileKeys(home.keys);
  return { home, env: { AEGIS_HOME: root }, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * A deterministic decider for service tests: Bash commands starting with "rm " are blocked, "git push" asks,
 * the tool "Explode" throws (an engine bug), everything else is allowed; prompts containing "ignore previous
 * instructions" are blocked. The real engine is exercised in tests/firewall.
 */
const d = (decision: Decision['decision'], reason: string, rules: string[]): Decision => ({
  decision,
  reason,
  rules,
  step: null,
  steps: [],
  facts: {},
});

export const scriptedDecider: Decider = {
  name: 'scripted test decider',
  decide(e: AgentEvent): Decision {
    if (e.kind === 'tool_call') {
      if (e.toolName === 'Explode') throw new Error('engine bug');
      const cmd = typeof e.toolInput['command'] === 'string' ? e.toolInput['command'] : '';
      if (cmd.startsWith('rm ')) return d('BLOCK', 'destructive command', ['rule:fs_destructive']);
      if (cmd.startsWith('git push')) return d('REQUIRE_APPROVAL', 'pushes to a remote', ['rule:blast']);
      return d('ALLOW', 'no rule fired', []);
    }
    if (e.kind === 'prompt' && /ignore previous instructions/i.test(e.prompt))
      return d('BLOCK', 'prompt injection', ['rule:prompt_injection']);
    if (e.kind === 'tool_result' && /ignore previous instructions/i.test(JSON.stringify(e.toolResponse)))
      return d('BLOCK', 'prompt injection in tool output', ['rule:prompt_injection']);
    return d('ALLOW', 'recorded', []);
  },
};

export function preToolUse(command: string, session = 'sess-1', tool = 'Bash'): string {
  return JSON.stringify({
    session_id: session,
    transcript_path: '/tmp/t.jsonl',
    cwd: '/work/project',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: { command, description: 'test' },
    tool_use_id: 'toolu_01',
  });
}

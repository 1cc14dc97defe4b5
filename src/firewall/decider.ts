import type { Firewall } from './firewall.js';
import type { Verdict } from './policy/types.js';

/**
 * Adapter from the agent-neutral events of the daemon (src/appliance/decide.ts: `Decider`) to the
 * firewall. Types are structural copies, because the firewall layer may not import src/appliance.
 * Tool calls run the full pipeline; tool results and prompts get the injection / secret text
 * checks (PostToolUse cannot undo a call, so its verdict is advice the hook reports).
 */

export interface AgentEventLike {
  kind: string;
  sessionId: string;
  cwd?: string;
  agentId?: string;
  toolName?: string;
  toolInput?: Record<string, unknown>;
  toolResponse?: unknown;
  toolUseId?: string;
  prompt?: string;
}

export interface DecisionLike {
  verdict: Verdict;
  reason: string;
  rule?: string;
  detail?: Record<string, string | number | boolean | null | string[]>;
}

export interface DeciderLike {
  readonly name: string;
  evaluate(event: AgentEventLike): Promise<DecisionLike>;
}

function responseText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

export function firewallDecider(fw: Firewall, name = 'aegis-firewall'): DeciderLike {
  return {
    name,
    async evaluate(ev) {
      if (ev.kind === 'tool_call' && ev.toolName !== undefined) {
        const d = await fw.evaluate({
          tool: ev.toolName,
          input: ev.toolInput ?? {},
          session_id: ev.sessionId,
          ...(ev.cwd !== undefined ? { cwd: ev.cwd } : {}),
          ...(ev.toolUseId !== undefined ? { tool_use_id: ev.toolUseId } : {}),
          ...(ev.agentId !== undefined ? { aid: ev.agentId } : {}),
        });
        const out: DecisionLike = {
          verdict: d.decision,
          reason: d.reason,
          detail: {
            rules: d.rules, step: d.step, args_sha3: d.args_sha3, atv_sha3: d.atv_sha3, canonical_tool: d.canonical_tool, blast: d.blast, hw_mask: d.hw_mask,
            ...(d.judge === undefined ? {} : Object.fromEntries(Object.entries(d.judge).map(([k, v]) => [k, v]))),
          },
        };
        if (d.rules[0] !== undefined) out.rule = d.rules[0];
        return out;
      }
      const text = ev.kind === 'tool_result' ? responseText(ev.toolResponse) : ev.kind === 'prompt' ? (ev.prompt ?? '') : '';
      if (text === '') return { verdict: 'ALLOW', reason: 'recorded' };
      const s = fw.scanText(text, ev.kind === 'prompt' ? 'prompt' : 'content');
      const out: DecisionLike = { verdict: s.decision, reason: s.reason, detail: { rules: s.rules } };
      if (s.rules[0] !== undefined) out.rule = s.rules[0];
      return out;
    },
  };
}

import type { ToolCall, Verdict } from '../core/decision.js';

/**
 * Labelled peer corpora (../shared/fixtures/firewall/*.jsonl, README "Row schema"): which rows
 * count and how a decision is scored. Default-mode PreToolUse rows = no `condition`, no `scope`,
 * no `event`, and a real tool (not TEXT / URL / RAW_HOOK_STDIN).
 */

export interface CorpusRow {
  tool: string;
  input: Record<string, unknown>;
  expected: 'block' | 'ask' | 'allow';
  category?: string;
  source?: string;
  condition?: unknown;
  scope?: unknown;
  event?: unknown;
  context?: { cwd?: string };
  session_id?: string;
}

const PSEUDO = new Set(['TEXT', 'URL', 'RAW_HOOK_STDIN']);

export function isDefaultPreToolUse(r: CorpusRow): boolean {
  return (
    r.condition === undefined &&
    r.scope === undefined &&
    r.event === undefined &&
    !PSEUDO.has(r.tool) &&
    typeof r.input === 'object' &&
    r.input !== null
  );
}

export function rowToCall(r: CorpusRow): ToolCall {
  const call: ToolCall = { tool: r.tool, input: r.input };
  if (r.context?.cwd !== undefined) call.cwd = r.context.cwd;
  if (r.session_id !== undefined) call.session_id = r.session_id;
  return call;
}

export interface Score {
  harmful: number;
  caught: number;
  benign: number;
  blocked: number;
  asked: number;
}

export const emptyScore = (): Score => ({ harmful: 0, caught: 0, benign: 0, blocked: 0, asked: 0 });

/** Block/ask rows are caught when not ALLOW; allow rows count as falsely blocked (BLOCK) or friction (ask). */
export function scoreRow(s: Score, expected: CorpusRow['expected'], got: Verdict): void {
  if (expected === 'allow') {
    s.benign++;
    if (got === 'BLOCK') s.blocked++;
    if (got === 'REQUIRE_APPROVAL') s.asked++;
  } else {
    s.harmful++;
    if (got !== 'ALLOW') s.caught++;
  }
}

export const pct = (a: number, b: number): string => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`);

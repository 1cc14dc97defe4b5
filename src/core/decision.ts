import type { JsonObject, JsonValue } from './canonical-json.js';

/**
 * The decision path's one set of types (issue 10): the agent event, the tool call the firewall sees, the judge's
 * result and the decision, shared by src/firewall, src/judge, src/appliance, src/hook and src/service. They live in
 * core because every layer may import core and none of those layers may import each other in every direction
 * (DESIGN.md "Layers and folders"; docs/adr/0002-decision-types-in-core.md). Types only: no behaviour here.
 */

/** The firewall's three outcomes (DESIGN.md "The three flows": Decision). */
export type Verdict = 'ALLOW' | 'BLOCK' | 'REQUIRE_APPROVAL';

export const VERDICTS: readonly Verdict[] = ['ALLOW', 'BLOCK', 'REQUIRE_APPROVAL'];

/** A tool call as the firewall evaluates it (Claude Code PreToolUse, OpenClaw, `aegis evaluate`). */
export interface ToolCall {
  tool: string;
  input: Record<string, unknown>;
  cwd?: string;
  session_id?: string;
  tool_use_id?: string;
  tenant?: string;
  /** The agent's identity (Claude Code `agent_id` for subagents); never the session id (ATV determinism). */
  aid?: string;
  /** The agent's stated plan or the user prompt, when known (ATV prompt_structure). */
  plan?: string;
  /** Identity proof token (step 308). */
  identity?: string;
  /** The agent's process id (Claude Code: the hook's parent), whose counters fill the hardware band. */
  agent_pid?: number;
}

interface EventBase {
  sessionId: string;
  /** The agent's process id, when the transport knows it (the hook shim sends its parent's pid). */
  agentPid?: number;
  cwd?: string;
  permissionMode?: string;
  agentId?: string;
}

/** A call the agent wants to make (Claude Code PreToolUse): the only event that gates an action up front. */
export interface ToolCallEvent extends EventBase {
  kind: 'tool_call';
  toolName: string;
  toolInput: JsonObject;
  toolUseId?: string;
}

/** The call ran (PostToolUse); its response is checked for injection and secrets. */
export interface ToolResultEvent extends EventBase {
  kind: 'tool_result';
  toolName: string;
  toolInput: JsonObject;
  toolResponse: JsonValue;
  toolUseId?: string;
}

/** The user's prompt (UserPromptSubmit), checked for injection before the model sees it. */
export interface PromptEvent extends EventBase {
  kind: 'prompt';
  prompt: string;
}

/** SessionStart / Stop and events Aegis only records. */
export interface LifecycleEvent extends EventBase {
  kind: 'session_start' | 'session_stop' | 'other';
  eventName: string;
  source?: string;
}

export type AgentEvent = ToolCallEvent | ToolResultEvent | PromptEvent | LifecycleEvent;
export type AgentEventKind = AgentEvent['kind'];

/** What a decision record says about the step-340 judge (docs/formats.md "Decision record"). */
export interface JudgeRecord {
  judge_engine: 'cpu' | 'fpga';
  /** SHA3-256 of the model file. */
  judge_model_hash: string;
  judge_verdict: Verdict;
  judge_confidence: number;
  /** Transport of the FPGA judge (sim, pty, serial). */
  judge_device?: string;
  /** Error code when the FPGA judge fell back to the CPU reference. */
  judge_fallback?: string;
}

/** A judge's answer to step 340. */
export interface JudgeResult {
  verdict: Verdict;
  reason: string;
  record?: JudgeRecord;
}

export interface StepTrace {
  readonly step: number;
  readonly name: string;
  readonly trace: string;
}

/** Step 370: what the caller should do with the call. */
export type ExecRecommendation = 'PROCEED' | 'SUPPRESS' | 'DEFER';

/**
 * Facts about a decided event that the decision record carries; all hashes or redacted text, never raw
 * arguments. Tool calls fill every field; text scans (tool output, prompts) and lifecycle events fill fewer.
 */
export interface DecisionFacts {
  canonical_tool?: string;
  /** SHA3-256 of the RFC 8785 form of {tool, input}: what approvals and the record's args_sha3 use. */
  args_sha3?: string;
  atv_sha3?: string;
  hw_mask?: number;
  hw_source?: string;
  /** The sources that filled hardware subfields (perf_event_open, procfs, sim …). */
  hw_sources?: string[];
  blast?: number;
  exec?: ExecRecommendation;
  /** Redacted, clipped preview of the input. */
  preview?: string;
  judge?: JudgeRecord;
}

/** The firewall's answer for one agent event. */
export interface Decision {
  decision: Verdict;
  /** One line for people; redacted, never raw arguments. */
  reason: string;
  /** Rule ids; the first is the one that decided. */
  rules: string[];
  /** Pipeline step that decided, or null when every step passed (or the event is not a tool call). */
  step: number | null;
  steps: StepTrace[];
  facts: DecisionFacts;
}

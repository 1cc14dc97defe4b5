import { homedir } from 'node:os';
import { canonicalJson } from '../core/canonical-json.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AgentEvent, Decision, ToolCall, Verdict } from '../core/decision.js';
import { toAegisError } from '../core/errors.js';
import { sha3_256Hex } from '../crypto/hash.js';
import { atvSha3, encodeAtv } from '../atv/encode.js';
import { noHardware, type HwSnapshotProvider } from '../atv/hw-band.js';
import { normaliseCall, type NormalisedCall } from './call.js';
import { eventText, toolCallOf } from './events.js';
import { runPipeline } from './pipeline.js';
import { loadPolicies } from './policy/load.js';
import type { Policies, TextSurface } from './policy/types.js';
import { createRedactor, preview, type Redactor } from './redact.js';
import { RuleSet } from './rules/match.js';
import { compileSensitive } from './rules/sensitive.js';
import { DirStateStore, MemoryStateStore, type StateStore } from './state.js';
import type { Judge, StepContext } from './steps.js';

/**
 * The action firewall: normalise (tool name, shell AST, paths) → ATV-2080-v1 → the step table of
 * pipeline.ts (305…340, first BLOCK or REQUIRE_APPROVAL wins, reference §2.1) → 350 / 360 / 370. Every
 * decision carries rule ids, a reason a person understands and the facts its audit record needs (step 360
 * hands them to the caller, which writes the one decision record: src/appliance/decision-record.ts).
 */

export interface FirewallOptions {
  /** policies/firewall directory (default: the one shipped with the package). */
  policiesDir?: string;
  /** Already loaded policies (tests); wins over policiesDir. */
  policies?: Policies;
  /** Directory for detector state ($AEGIS_HOME/state); omitted = in memory only. */
  stateDir?: string;
  clock?: Clock;
  hardware?: HwSnapshotProvider;
  judge?: Judge;
  /** Token budget per session (AEGIS_TOKEN_BUDGET); undefined = no budget. */
  tokenBudget?: number;
  requireIdentity?: boolean;
  verifyIdentity?: (token: string, call: NormalisedCall) => boolean;
  /** Home directory for `~` and $HOME (default: the OS home). */
  home?: string;
  /** Tenant recorded when the call names none. */
  tenant?: string;
}

export interface TextScan {
  decision: Verdict;
  rules: string[];
  reason: string;
}

export interface Firewall {
  readonly policies: Policies;
  readonly rules: RuleSet;
  readonly redactor: Redactor;
  /** One agent event: tool calls run the pipeline, tool output and prompts the text checks, the rest is recorded. */
  decide(event: AgentEvent): Promise<Decision>;
  /** One tool call through the whole pipeline. */
  evaluate(call: ToolCall): Promise<Decision>;
  /** Normalisation only (step 312), for explanations and tests. */
  normalise(call: ToolCall): NormalisedCall;
  /**
   * Injection and secret checks on text that reaches the agent (a PostToolUse response, a user
   * prompt): the text rules of the packs, then the redactor's secret patterns; no state. Reasons are redacted.
   */
  scanText(text: string, surface?: TextSurface): TextScan;
}

/** Sessions without an id are one-call sessions: nothing to remember across calls. */
const EPHEMERAL = '';

/**
 * The agent identity used when a call names none. Never the session id: the ATV's agent_state_embedding is built
 * from it, and a per-session value would give the judge a different vector for the same call in every session.
 */
export const DEFAULT_AID = 'anonymous';

/** Claims the software side makes about a call, compared with the hardware band's measurements (linkage). */
const NETWORK_TOOLS: ReadonlySet<string> = new Set(['fetch_url', 'web_search', 'mcp_tool', 'send_message']);
const READ_ONLY_TOOLS: ReadonlySet<string> = new Set(['read_file', 'list_directory', 'search_files']);

export function createFirewall(opts: FirewallOptions = {}): Firewall {
  const policies = opts.policies ?? loadPolicies(opts.policiesDir);
  const home = opts.home ?? homedir();
  const sensitive = compileSensitive(policies.sensitive, home);
  const rules = new RuleSet(
    policies.packs.flatMap((p) => p.rules),
    { commands: policies.commands, sensitive, tmpdir: '/tmp' },
  );
  const redactor = createRedactor(policies.text.secrets);
  const store: StateStore =
    opts.stateDir !== undefined ? new DirStateStore(opts.stateDir) : new MemoryStateStore();
  const clock = opts.clock ?? systemClock;
  const hardware = opts.hardware ?? noHardware;
  const normalise = (call: ToolCall): NormalisedCall =>
    normaliseCall(call, { home, commands: policies.commands });

  /**
   * Never an accidental allow (DESIGN.md "Decision"): if analysing a call fails unexpectedly, the
   * answer is REQUIRE_APPROVAL with rule `engine.error`, and the caller still records it.
   */
  async function evaluate(call: ToolCall): Promise<Decision> {
    try {
      return await evaluateInner(call);
    } catch (e) {
      const err = toAegisError(e);
      const input = call.input !== null && typeof call.input === 'object' ? call.input : {};
      return {
        decision: 'REQUIRE_APPROVAL',
        reason: `the firewall could not analyse this call (${err.code}); a person decides`,
        rules: ['engine.error'],
        step: null,
        steps: [{ step: 0, name: 'engine-error', trace: `engine error ${err.code}` }],
        facts: {
          canonical_tool: 'unknown',
          args_sha3: sha3_256Hex(safeJson({ tool: String(call.tool), input })),
          hw_mask: 0,
          hw_source: 'none',
          blast: 10,
          exec: 'DEFER',
          preview: preview(redactor, safeJson(input)),
        },
      };
    }
  }

  async function evaluateInner(call: ToolCall): Promise<Decision> {
    const n = normalise(call);
    const argsJson = canonicalJson(call.input);
    const argsSha3 = sha3_256Hex(canonicalJson({ tool: call.tool, input: call.input }));
    const hits = rules.evaluate(n);
    const base = policies.blast.tools[n.tool.canonical] ?? policies.blast.tools['unknown'] ?? 5;
    const blast = Math.max(base, ...hits.map((h) => h.rule.blast ?? (h.rule.decision === 'BLOCK' ? 9 : 7)));
    const sessionId = call.session_id ?? EPHEMERAL;
    const sessionStore = sessionId === EPHEMERAL ? new MemoryStateStore() : store;
    const session = sessionStore.loadSession(sessionId);
    session.tokens += Math.ceil(argsJson.length / 4);
    const hw = await hardware.snapshot({
      sessionId,
      ...(call.agent_pid === undefined ? {} : { agentPid: call.agent_pid }),
      tokens: Math.ceil(argsJson.length / 4),
      network: NETWORK_TOOLS.has(n.tool.canonical) || n.urls.length > 0,
      readOnly: READ_ONLY_TOOLS.has(n.tool.canonical),
    });
    const aid = call.aid ?? DEFAULT_AID;
    const atv = encodeAtv(
      {
        aid,
        tenant: call.tenant ?? opts.tenant ?? 'local',
        plan: call.plan,
        tool: n.tool.canonical,
        argsJson,
        blast,
        cost: { input_token_count: Math.ceil(argsJson.length / 4), cumulative_tokens: session.tokens },
      },
      hw,
    );
    const ctx: StepContext = {
      call: n,
      policies,
      sensitive,
      hits,
      blast,
      atv: atv.vector,
      hwMask: atv.hwMask,
      session,
      sessionId,
      store,
      fingerprint: argsSha3,
      argsJson,
      tokenBudget: opts.tokenBudget,
      requireIdentity: opts.requireIdentity === true,
      verifyIdentity: opts.verifyIdentity,
      nowMs: clock.now().getTime(),
      judge: opts.judge,
    };
    const { decided, steps, judge } = await runPipeline(ctx);
    const decision: Verdict = decided?.finding.verdict ?? 'ALLOW';
    const reason = redactor.redact(decided?.finding.reason ?? 'all firewall steps passed');
    // State after the decision: loops count calls that were not blocked (§12.3 defect 6), blocks feed the breaker.
    if (decision === 'BLOCK') session.violations += 1;
    else
      session.loops[argsSha3] = [
        ...(session.loops[argsSha3] ?? []).filter(
          (t) => ctx.nowMs - t <= policies.session.loop_window_s * 1000,
        ),
        ctx.nowMs,
      ].slice(-16);
    const keys = Object.keys(session.loops);
    if (keys.length > 1024) for (const k of keys.slice(0, keys.length - 1024)) delete session.loops[k];
    if (sessionId !== EPHEMERAL) store.saveSession(sessionId, session);
    const exec = decision === 'ALLOW' ? 'PROCEED' : decision === 'BLOCK' ? 'SUPPRESS' : 'DEFER';
    // 350 approval request, 360 the record (its facts go to the caller, which appends it), 370 exec annotation.
    steps.push(
      {
        step: 350,
        name: 'approval-request',
        trace: decision === 'REQUIRE_APPROVAL' ? 'approval requested from the user' : 'no approval needed',
      },
      { step: 360, name: 'audit-record', trace: 'record facts handed to the caller' },
      { step: 370, name: 'exec-recommendation', trace: `exec-recommendation=${exec}` },
    );
    return {
      decision,
      reason,
      rules: decided?.finding.rules ?? [],
      step: decided?.step ?? null,
      steps,
      facts: {
        canonical_tool: n.tool.canonical,
        args_sha3: argsSha3,
        atv_sha3: atvSha3(atv.vector),
        hw_mask: atv.hwMask,
        hw_source: atv.hwSource,
        ...(hw?.sources === undefined
          ? {}
          : { hw_sources: [...new Set(Object.values(hw.sources).flat())].sort() }),
        blast,
        exec,
        preview: preview(redactor, argsJson),
        ...(judge?.record === undefined ? {} : { judge: judge.record }),
      },
    };
  }

  function scanText(text: string, surface: TextSurface = 'content'): TextScan {
    const n: NormalisedCall = {
      call: { tool: '(text)', input: {} },
      tool: { raw: '(text)', canonical: 'unknown', origin: 'unknown' },
      cwd: '/',
      home,
      shell: undefined,
      reads: [],
      writes: [],
      urls: [],
      texts: [{ surface, field: surface, text }],
    };
    const hits = rules.evaluate(n).filter((h) => h.rule.match.text !== undefined);
    if (hits.length > 0) {
      const winner = hits.find((h) => h.rule.decision === 'BLOCK') ?? (hits[0] as (typeof hits)[number]);
      return {
        decision: winner.rule.decision,
        rules: [winner.rule.id, ...hits.filter((h) => h !== winner).map((h) => h.rule.id)],
        reason: redactor.redact(winner.rule.summary),
      };
    }
    // The redactor knows more secret shapes than the packs' text rules (password=…, URL credentials, bearer tokens).
    if (redactor.hasSecret(text))
      return {
        decision: 'REQUIRE_APPROVAL',
        rules: ['secret.in-text'],
        reason: 'contains a credential or secret',
      };
    return { decision: 'ALLOW', rules: [], reason: 'no injection or secret found' };
  }

  /** The one adapter from agent events to the firewall (issue 10): the daemon and `aegis evaluate` both call it. */
  async function decide(event: AgentEvent): Promise<Decision> {
    if (event.kind === 'tool_call') return evaluate(toolCallOf(event));
    const text = eventText(event);
    if (text === undefined)
      return { decision: 'ALLOW', reason: 'recorded', rules: [], step: null, steps: [], facts: {} };
    const scan = scanText(text.text, text.surface);
    const facts =
      event.kind === 'tool_result'
        ? { args_sha3: sha3_256Hex(canonicalJson({ tool: event.toolName, input: event.toolInput })) }
        : {};
    return {
      decision: scan.decision,
      reason: `${text.where}: ${scan.reason}`,
      rules: scan.rules,
      step: null,
      steps: [],
      facts,
    };
  }

  return { policies, rules, redactor, decide, evaluate, normalise, scanText };
}

function safeJson(v: unknown): string {
  try {
    return canonicalJson(v);
  } catch {
    return '{}';
  }
}

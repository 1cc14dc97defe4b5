import { homedir } from 'node:os';
import { canonicalJson } from '../core/canonical-json.js';
import { systemClock, type Clock } from '../core/clock.js';
import { sha3_256Hex } from '../crypto/hash.js';
import { AegisError, toAegisError } from '../core/errors.js';
import { atvSha3, encodeAtv } from '../atv/encode.js';
import { noHardware, type HwSnapshotProvider } from '../atv/hw-band.js';
import { normaliseCall, type NormalisedCall, type ToolCall } from './call.js';
import { loadPolicies } from './policy/load.js';
import type { Policies, TextSurface, Verdict } from './policy/types.js';
import { createRedactor, preview, type Redactor } from './redact.js';
import { RuleSet } from './rules/match.js';
import { compileSensitive } from './rules/sensitive.js';
import type { DecisionRecord, DecisionSink } from './sink.js';
import { DirStateStore, MemoryStateStore, type StateStore } from './state.js';
import * as S from './steps.js';

/**
 * The action firewall: normalise (tool name, shell AST, paths) → ATV-2080-v1 → steps 305…370, first
 * BLOCK or REQUIRE_APPROVAL wins (reference §2.1), every decision with rule ids and a reason a
 * person understands, appended to the sink (step 360) with args_sha3, atv_sha3 and a redacted
 * preview only.
 */

export interface FirewallOptions {
  /** policies/firewall directory (default: the one shipped with the package). */
  policiesDir?: string;
  /** Already loaded policies (tests); wins over policiesDir. */
  policies?: Policies;
  /** Directory for detector state ($AEGIS_HOME/state); omitted = in memory only. */
  stateDir?: string;
  sink?: DecisionSink;
  clock?: Clock;
  hardware?: HwSnapshotProvider;
  judge?: S.Judge;
  /** Token budget per session (AEGIS_TOKEN_BUDGET); undefined = no budget. */
  tokenBudget?: number;
  requireIdentity?: boolean;
  verifyIdentity?: (token: string, call: NormalisedCall) => boolean;
  /** Home directory for `~` and $HOME (default: the OS home). */
  home?: string;
  /** Tenant recorded when the call names none. */
  tenant?: string;
}

export interface StepTrace {
  readonly step: number;
  readonly trace: string;
}

export interface FirewallDecision {
  decision: Verdict;
  reason: string;
  rules: string[];
  /** Step that decided, or null when every step passed. */
  step: number | null;
  tool: string;
  canonical_tool: string;
  session: string;
  args_sha3: string;
  atv_sha3: string;
  hw_mask: number;
  blast: number;
  /** 370: what the caller should do. */
  exec: 'PROCEED' | 'SUPPRESS' | 'DEFER';
  steps: StepTrace[];
  /** Redacted preview of the input (what the log stores). */
  preview: string;
  /** Audit append result (step 360), when a sink returned one. */
  audit?: { seq: number; this_hash: string };
  /** Step 340: which judge ran (engine, device or fallback, model hash, verdict), when one was consulted. */
  judge?: Record<string, string | number>;
}

export interface Firewall {
  readonly policies: Policies;
  readonly rules: RuleSet;
  readonly redactor: Redactor;
  evaluate(call: ToolCall): Promise<FirewallDecision>;
  /** Normalisation only (step 312), for explanations and tests. */
  normalise(call: ToolCall): NormalisedCall;
  /**
   * Injection and secret checks on text that reaches the agent (a PostToolUse response, a user
   * prompt): the text rules of the packs only, no state, nothing logged. Reasons are redacted.
   */
  scanText(text: string, surface?: TextSurface): { decision: Verdict; rules: string[]; reason: string };
}

/** Sessions without an id are one-call sessions: nothing to remember across calls. */
const EPHEMERAL = '';

export function createFirewall(opts: FirewallOptions = {}): Firewall {
  const policies = opts.policies ?? loadPolicies(opts.policiesDir);
  const home = opts.home ?? homedir();
  const sensitive = compileSensitive(policies.sensitive, home);
  const rules = new RuleSet(
    policies.packs.flatMap((p) => p.rules),
    { commands: policies.commands, sensitive, tmpdir: '/tmp' },
  );
  const redactor = createRedactor(policies.text.secrets);
  const store: StateStore = opts.stateDir !== undefined ? new DirStateStore(opts.stateDir) : new MemoryStateStore();
  const clock = opts.clock ?? systemClock;
  const hardware = opts.hardware ?? noHardware;
  const normalise = (call: ToolCall): NormalisedCall => normaliseCall(call, { home, commands: policies.commands });

  /**
   * Never an accidental allow (DESIGN.md "Decision"): if analysing a call fails unexpectedly, the
   * answer is REQUIRE_APPROVAL with rule `engine.error`, still logged through the sink.
   */
  async function evaluate(call: ToolCall): Promise<FirewallDecision> {
    try {
      return await evaluateInner(call);
    } catch (e) {
      const err = toAegisError(e);
      if (err.code === 'DECISION_NOT_LOGGED') throw e; // the caller's fail policy decides, not us
      const input = call.input !== null && typeof call.input === 'object' ? call.input : {};
      const argsJson = safeJson(input);
      const out: FirewallDecision = {
        decision: 'REQUIRE_APPROVAL',
        reason: `the firewall could not analyse this call (${err.code}); a person decides`,
        rules: ['engine.error'],
        step: null,
        tool: String(call.tool),
        canonical_tool: 'unknown',
        session: call.session_id ?? EPHEMERAL,
        args_sha3: sha3_256Hex(argsJson),
        atv_sha3: '',
        hw_mask: 0,
        blast: 10,
        exec: 'DEFER',
        steps: [{ step: 0, trace: `engine error ${err.code}` }],
        preview: preview(redactor, argsJson),
      };
      if (opts.sink !== undefined) {
        const appended = await opts.sink.append({
          kind: 'decision',
          session: out.session,
          tool: out.tool,
          args_sha3: out.args_sha3,
          decision: out.decision,
          reason: out.reason,
          rules: out.rules,
          atv_sha3: out.atv_sha3,
          data: { canonical_tool: 'unknown', step: null, blast: 10, hw_mask: 0, hw_source: 'none', preview: out.preview },
        });
        if (appended !== undefined) out.audit = appended;
      }
      return out;
    }
  }

  async function evaluateInner(call: ToolCall): Promise<FirewallDecision> {
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
    const hw = await hardware.snapshot();
    const atv = encodeAtv(
      {
        aid: call.aid ?? (sessionId === EPHEMERAL ? 'anonymous' : sessionId),
        tenant: call.tenant ?? opts.tenant ?? 'local',
        plan: call.plan,
        tool: n.tool.canonical,
        argsJson,
        blast,
        cost: { input_token_count: Math.ceil(argsJson.length / 4), cumulative_tokens: session.tokens },
      },
      hw,
    );
    const ctx: S.StepContext = {
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
      fastPath: false,
    };
    const steps: StepTrace[] = [];
    let decided: { step: number; finding: S.Finding } | undefined;
    let judgeAudit: Record<string, string | number> | undefined;
    const run = async (step: number, fn: () => S.StepOutput | Promise<S.StepOutput>): Promise<void> => {
      if (decided !== undefined) return;
      const out = await fn();
      steps.push({ step, trace: out.trace });
      if (out.audit !== undefined) judgeAudit = { ...out.audit };
      if (out.finding !== undefined) decided = { step, finding: out.finding };
    };
    await run(305, () => S.step305(ctx));
    await run(308, () => S.step308(ctx));
    await run(309, () => S.step309(ctx));
    await run(310, () => S.step310(ctx));
    await run(311, () => S.step311(ctx));
    await run(312, () => S.step312(ctx));
    await run(315, () => S.step315(ctx));
    await run(320, () => S.step320(ctx));
    await run(330, () => S.step330(ctx));
    await run(335, () => S.step335(ctx));
    await run(336, () => S.step336(ctx));
    await run(337, () => S.step337(ctx));
    await run(340, () => S.step340(ctx, opts.judge));
    const decision: Verdict = decided?.finding.verdict ?? 'ALLOW';
    const reason = redactor.redact(decided?.finding.reason ?? 'all firewall steps passed');
    // State after the decision: loops count calls that were not blocked (§12.3 defect 6), blocks feed the breaker.
    if (decision === 'BLOCK') session.violations += 1;
    else session.loops[argsSha3] = [...(session.loops[argsSha3] ?? []).filter((t) => ctx.nowMs - t <= policies.session.loop_window_s * 1000), ctx.nowMs].slice(-16);
    const keys = Object.keys(session.loops);
    if (keys.length > 1024) for (const k of keys.slice(0, keys.length - 1024)) delete session.loops[k];
    if (sessionId !== EPHEMERAL) store.saveSession(sessionId, session);
    // 350 approval request, 360 audit, 370 exec annotation.
    steps.push({ step: 350, trace: decision === 'REQUIRE_APPROVAL' ? 'approval requested from the user' : 'no approval needed' });
    const out: FirewallDecision = {
      decision,
      reason,
      rules: decided?.finding.rules ?? [],
      step: decided?.step ?? null,
      tool: call.tool,
      canonical_tool: n.tool.canonical,
      session: sessionId,
      args_sha3: argsSha3,
      atv_sha3: atvSha3(atv.vector),
      hw_mask: atv.hwMask,
      blast,
      exec: decision === 'ALLOW' ? 'PROCEED' : decision === 'BLOCK' ? 'SUPPRESS' : 'DEFER',
      steps,
      preview: preview(redactor, argsJson),
      ...(judgeAudit === undefined ? {} : { judge: judgeAudit }),
    };
    if (opts.sink !== undefined) {
      const record: DecisionRecord = {
        kind: 'decision',
        session: sessionId,
        tool: call.tool,
        args_sha3: out.args_sha3,
        decision,
        reason,
        rules: out.rules,
        atv_sha3: out.atv_sha3,
        data: { canonical_tool: out.canonical_tool, step: out.step, blast, hw_mask: atv.hwMask, hw_source: atv.hwSource, preview: out.preview },
      };
      if (call.tenant !== undefined) record.tenant = call.tenant;
      if (call.aid !== undefined) record.aid = call.aid;
      if (call.tool_use_id !== undefined) record.data.tool_use_id = call.tool_use_id;
      if (judgeAudit !== undefined) record.data.judge = judgeAudit;
      let appended: { seq: number; this_hash: string } | undefined;
      try {
        appended = await opts.sink.append(record);
      } catch (e) {
        throw new AegisError('DECISION_NOT_LOGGED', `the decision could not be appended to the audit log: ${toAegisError(e).message}`, { cause: e });
      }
      if (appended !== undefined) out.audit = appended;
      steps.push({ step: 360, trace: appended !== undefined ? `audit seq ${appended.seq}` : 'decision recorded' });
    } else steps.push({ step: 360, trace: 'no audit sink' });
    steps.push({ step: 370, trace: `exec-recommendation=${out.exec}` });
    return out;
  }

  function scanText(text: string, surface: TextSurface = 'content'): { decision: Verdict; rules: string[]; reason: string } {
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
    if (hits.length === 0) return { decision: 'ALLOW', rules: [], reason: 'no injection or secret found' };
    const winner = hits.find((h) => h.rule.decision === 'BLOCK') ?? (hits[0] as (typeof hits)[number]);
    return { decision: winner.rule.decision, rules: [winner.rule.id, ...hits.filter((h) => h !== winner).map((h) => h.rule.id)], reason: redactor.redact(winner.rule.summary) };
  }

  return { policies, rules, redactor, evaluate, normalise, scanText };
}

function safeJson(v: unknown): string {
  try {
    return canonicalJson(v);
  } catch {
    return '{}';
  }
}

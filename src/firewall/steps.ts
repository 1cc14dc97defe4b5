import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { subfield } from '../atv/layout.js';
import type { NormalisedCall } from './call.js';
import type { JudgeResult, Verdict } from '../core/decision.js';
import type { Policies } from './policy/types.js';
import type { RuleHit } from './rules/match.js';
import type { SensitiveMatcher } from './rules/sensitive.js';
import { BASELINE_FEATURES, isOutlier, observe } from './hw-baseline.js';
import type { SessionState, StateStore } from './state.js';

/**
 * The pipeline steps in the seed's numbering (reference §2.1/§2.2). Each returns a finding that
 * decides (BLOCK / REQUIRE_APPROVAL) or a trace line; the engine walks them in order and the first
 * BLOCK or REQUIRE_APPROVAL wins.
 */

export interface Finding {
  readonly verdict: Exclude<Verdict, 'ALLOW'>;
  readonly rules: string[];
  readonly reason: string;
}

export interface StepOutput {
  readonly finding?: Finding;
  readonly trace: string;
  /** Step 305 only: the call is read-only, so later steps skip the judge. */
  readonly fastPath?: boolean;
  /** Step 340: what the judge that ran said, for the decision record. */
  readonly judge?: JudgeResult;
}

/** The grey-zone judge step 340 consults (src/judge/step-judge.ts adapts JudgeNet to it). */
export interface Judge {
  readonly name: string;
  evaluate(call: NormalisedCall, atv: Float32Array): Promise<JudgeResult> | JudgeResult;
}

/** Everything a step reads; steps never write it (the pipeline walker threads step results). */
export interface StepContext {
  readonly call: NormalisedCall;
  readonly policies: Policies;
  readonly sensitive: SensitiveMatcher;
  readonly hits: readonly RuleHit[];
  readonly blast: number;
  readonly atv: Float32Array;
  readonly hwMask: number;
  readonly session: SessionState;
  readonly sessionId: string;
  readonly store: StateStore;
  readonly fingerprint: string;
  readonly argsJson: string;
  readonly tokenBudget: number | undefined;
  readonly requireIdentity: boolean;
  readonly verifyIdentity: ((token: string, call: NormalisedCall) => boolean) | undefined;
  readonly nowMs: number;
  readonly judge: Judge | undefined;
}

/** What earlier steps established for later ones (only step 305's fast-path flag today). */
export interface PipelineState {
  readonly fastPath: boolean;
}

const READ_ONLY_TOOLS = new Set([
  'read_file',
  'list_directory',
  'search_files',
  'web_search',
  'agent_internal',
]);

/** 305 safe list: read-only tools and read-only shell commands skip the judge (never decides). */
export function step305(ctx: StepContext): StepOutput {
  const c = ctx.call;
  const readOnly = new Set(ctx.policies.commands.read_only);
  let fastPath = false;
  if (READ_ONLY_TOOLS.has(c.tool.canonical)) fastPath = true;
  else if (
    c.tool.canonical === 'execute_shell' &&
    c.shell !== undefined &&
    c.shell.commands.length > 0 &&
    !c.shell.syntaxError
  ) {
    fastPath = c.shell.commands.every((cmd) => readOnly.has(cmd.name)) && c.writes.length === 0;
  }
  return { trace: fastPath ? 'safe fast path (read-only)' : 'not safe-listed', fastPath };
}

/** 308 identity: a proof token is required only when configured; a bad token always blocks. */
export function step308(ctx: StepContext): StepOutput {
  const token = ctx.call.call.identity;
  if (token === undefined || token === '') {
    if (ctx.requireIdentity)
      return {
        trace: 'identity missing',
        finding: {
          verdict: 'BLOCK',
          rules: ['identity.required'],
          reason: 'an identity proof is required for every call and none was given',
        },
      };
    return { trace: 'no identity proof (not required)' };
  }
  if (ctx.verifyIdentity !== undefined && !ctx.verifyIdentity(token, ctx.call)) {
    return {
      trace: 'identity invalid',
      finding: { verdict: 'BLOCK', rules: ['identity.invalid'], reason: 'the identity proof did not verify' },
    };
  }
  return { trace: 'identity ok' };
}

const hashCache = new Map<string, { key: string; hash: string | null }>();

/** SHA3-256 of a file, re-read only when size or mtime changed (the original re-hashed every call, §9.3). */
function fileHash(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined || !st.isFile()) return null;
  const key = `${st.size}:${st.mtimeMs}`;
  const c = hashCache.get(path);
  if (c !== undefined && c.key === key) return c.hash;
  const hash = createHash('sha3-256').update(readFileSync(path)).digest('hex');
  hashCache.set(path, { key, hash });
  return hash;
}

/**
 * 309 instruction-file drift: CLAUDE.md, AGENTS.md, .mcp.json, agent settings … in the call's cwd
 * are hashed; the first sight becomes the baseline; a change asks for approval once and becomes the
 * new baseline (so a person sees every change of the files that steer the agent).
 */
export function step309(ctx: StepContext): StepOutput {
  const cwd = ctx.call.call.cwd;
  if (cwd === undefined) return { trace: 'no cwd: drift not checked' };
  const files: Record<string, string | null> = {};
  for (const f of ctx.policies.session.instruction_files) files[f] = fileHash(join(ctx.call.cwd, f));
  const base = ctx.store.loadDrift(ctx.call.cwd);
  const changed =
    base === undefined ? [] : Object.keys(files).filter((f) => (base.files[f] ?? null) !== files[f]);
  if (base === undefined || changed.length > 0) ctx.store.saveDrift(ctx.call.cwd, { files });
  if (base === undefined) return { trace: 'instruction baseline recorded' };
  if (changed.length === 0) return { trace: 'instruction files unchanged' };
  return {
    trace: `instruction drift: ${changed.join(', ')}`,
    finding: {
      verdict: 'REQUIRE_APPROVAL',
      rules: ['drift.instruction-files'],
      reason: `agent instruction files changed since the last call: ${changed.slice(0, 3).join(', ')}`,
    },
  };
}

/** 310 sensitive paths: every read and write target, resolved, against policies/firewall/sensitive-paths.json. */
export function step310(ctx: StepContext): StepOutput {
  let approve: Finding | undefined;
  for (const [refs, write] of [
    [ctx.call.reads, false],
    [ctx.call.writes, true],
  ] as const) {
    for (const r of refs) {
      const k = ctx.sensitive.classify(r.path, write);
      if (k === undefined) continue;
      if (k.level === 'block' && r.listOnly !== true) {
        return {
          trace: `sensitive path ${r.path}`,
          finding: {
            verdict: 'BLOCK',
            rules: ['path.sensitive-block'],
            reason: `${write ? 'writes' : 'reads'} ${r.path}, a credential or system secret (matches ${k.pattern}) via ${r.how}`,
          },
        };
      }
      if (approve === undefined) {
        const persistence = write && ctx.policies.sensitive.write_approve.includes(k.pattern);
        approve = {
          verdict: 'REQUIRE_APPROVAL',
          rules: [persistence ? 'path.persistence-write' : 'path.sensitive-approve'],
          reason: persistence
            ? `writes ${r.path}, a file that runs or configures programs later (matches ${k.pattern})`
            : `${write ? 'writes' : 'reads'} ${r.path}, a sensitive file (matches ${k.pattern}) via ${r.how}`,
        };
      }
    }
  }
  return approve === undefined
    ? { trace: 'no sensitive paths' }
    : { trace: 'sensitive path needs approval', finding: approve };
}

/** 311 rule packs: the most severe hit wins; every hit id is reported. */
export function step311(ctx: StepContext): StepOutput {
  if (ctx.hits.length === 0) return { trace: 'no rule matched' };
  const block = ctx.hits.filter((h) => h.rule.decision === 'BLOCK');
  const winner = (block[0] ?? ctx.hits[0]) as RuleHit;
  const others = ctx.hits.filter((h) => h !== winner).map((h) => h.rule.id);
  return {
    trace: `rules: ${ctx.hits.map((h) => h.rule.id).join(', ')}`,
    finding: {
      verdict: winner.rule.decision,
      rules: [winner.rule.id, ...others],
      reason: `${winner.rule.summary}: ${winner.evidence}`,
    },
  };
}

/** 312 normalise: normalisation ran before the pipeline (every entry point); this step reports it. */
export function step312(ctx: StepContext): StepOutput {
  const c = ctx.call;
  const cmds = c.shell?.commands.map((x) => x.name).join(',') ?? '';
  return {
    trace: `tool ${c.tool.raw} → ${c.tool.canonical}${cmds !== '' ? `; commands ${cmds}` : ''}; cwd ${c.cwd}; ${c.reads.length} reads, ${c.writes.length} writes`,
  };
}

/** 315 AID authorisation + circuit breaker (state survives restarts). */
export function step315(ctx: StepContext): StepOutput {
  const regions = ctx.policies.aid_regions;
  const aid = ctx.call.call.aid ?? ctx.sessionId;
  const region = regions.aids[`${ctx.call.call.tenant ?? ''}:${aid}`] ?? regions.aids[aid] ?? regions.default;
  if (region.allowed_tools.length > 0 && !region.allowed_tools.includes(ctx.call.tool.canonical)) {
    return {
      trace: 'tool outside AID region',
      finding: {
        verdict: 'BLOCK',
        rules: ['aid.tool-not-allowed'],
        reason: `agent ${aid} may not use ${ctx.call.tool.canonical} tools`,
      },
    };
  }
  if (ctx.session.violations >= ctx.policies.session.max_violations) {
    return {
      trace: `circuit open (${ctx.session.violations} blocked calls)`,
      finding: {
        verdict: 'REQUIRE_APPROVAL',
        rules: ['session.circuit-breaker'],
        reason: `this session already had ${ctx.session.violations} blocked calls; every further call needs approval`,
      },
    };
  }
  return { trace: `circuit closed (${ctx.session.violations} blocked)` };
}

/** 320 blast radius: tool base value raised by the matched rules (never decides). */
export function step320(ctx: StepContext): StepOutput {
  return { trace: `blast radius ${ctx.blast}` };
}

/** 330 human approval above the blast threshold. */
export function step330(ctx: StepContext): StepOutput {
  const t = ctx.policies.blast.approval_threshold;
  if (ctx.blast >= t)
    return {
      trace: `blast ${ctx.blast} >= ${t}`,
      finding: {
        verdict: 'REQUIRE_APPROVAL',
        rules: ['blast.threshold'],
        reason: `blast radius ${ctx.blast} is at or above ${t}`,
      },
    };
  return { trace: `blast ${ctx.blast} < ${t}` };
}

/** 335 token budget ($AEGIS_TOKEN_BUDGET; the original documented it and never read it, §9.1). */
export function step335(ctx: StepContext): StepOutput {
  if (ctx.tokenBudget === undefined)
    return { trace: `no token budget (${ctx.session.tokens} tokens so far)` };
  if (ctx.session.tokens > ctx.tokenBudget) {
    return {
      trace: 'over budget',
      finding: {
        verdict: 'REQUIRE_APPROVAL',
        rules: ['budget.tokens'],
        reason: `this session used about ${ctx.session.tokens} tokens of tool input, over the budget of ${ctx.tokenBudget}`,
      },
    };
  }
  return { trace: `${ctx.session.tokens}/${ctx.tokenBudget} tokens` };
}

/** 336 loop: the same call (tool + canonical input) seen loop_threshold−1 times before in the window. */
export function step336(ctx: StepContext): StepOutput {
  const seen = (ctx.session.loops[ctx.fingerprint] ?? []).filter(
    (t) => ctx.nowMs - t <= ctx.policies.session.loop_window_s * 1000,
  );
  const n = seen.length + 1;
  if (n >= ctx.policies.session.loop_threshold) {
    return {
      trace: `same call ${n}×`,
      finding: {
        verdict: 'REQUIRE_APPROVAL',
        rules: ['session.loop'],
        reason: `the same ${ctx.call.tool.raw} call was made ${n} times in ${ctx.policies.session.loop_window_s} s`,
      },
    };
  }
  return { trace: `call seen ${n}×` };
}

const EGRESS = new Set(['fetch_url', 'web_search', 'send_message', 'mcp_tool']);

interface HwRule {
  id: string;
  verdict: 'BLOCK' | 'REQUIRE_APPROVAL';
  reason: string;
  /** For docs/rules.md: the condition in band units. */
  doc: string;
  fires: (at: (name: string, i: number) => number, tool: string) => boolean;
}

/**
 * 337's fixed rules: signals that are anomalous by nature, whatever the host's baseline (reference §2.2 kept where
 * a real source exists; the rest of the band is judged against the learned baseline below). Thresholds are in band
 * units (docs/formats.md "Hardware band").
 */
export const HW_RULES: readonly HwRule[] = [
  {
    id: 'hw.iommu-violation',
    doc: "aid_tag_transitions[0] (IOMMU faults / 5) ≥ 0.2: at least one IOMMU fault in the call's interval.",
    verdict: 'BLOCK',
    reason:
      'hardware reports IOMMU faults during this call (a device or process reached memory it should not)',
    fires: (at) => at('aid_tag_transitions', 0) >= 0.2,
  },
  {
    id: 'hw.hypervisor-ring',
    doc: 'atmu_anomaly[2] (hypervisor-ring events / 3) ≥ 0.34.',
    verdict: 'BLOCK',
    reason: 'hardware reports unexpected hypervisor-ring transitions',
    fires: (at) => at('atmu_anomaly', 2) >= 0.34,
  },
  {
    id: 'hw.unexpected-egress',
    doc: 'network_telemetry[0] (bytes sent / 50 MB) ≥ 0.2 and dma_fanout[0] (remote endpoints of the agent tree / 32) ≥ 0.25, for a tool that does not send data (not fetch_url, web_search, send_message, mcp_tool).',
    verdict: 'BLOCK',
    reason:
      "the agent's processes hold many remote connections and sent over 10 MB, from a tool that should not send data",
    fires: (at, tool) =>
      at('network_telemetry', 0) >= 0.2 && at('dma_fanout', 0) >= 0.25 && !EGRESS.has(tool),
  },
  {
    id: 'hw.tpm-reset',
    doc: "atmu_anomaly[4] = 1: the TPM resetCount or restartCount changed since the agent's previous call.",
    verdict: 'REQUIRE_APPROVAL',
    reason: 'the TPM was reset or restarted since the previous call (platform state may have been replaced)',
    fires: (at) => at('atmu_anomaly', 4) >= 1,
  },
  {
    id: 'hw.tpm-policy',
    doc: "atmu_anomaly[7] = 1: the current PCR values no longer satisfy the sealed audit keys' PolicyPCR (the keys would not unseal: the platform's measured state changed while running).",
    verdict: 'REQUIRE_APPROVAL',
    reason: "the platform's measured state (TPM PCRs) changed since the audit keys were sealed",
    fires: (at) => at('atmu_anomaly', 7) >= 1,
  },
  {
    id: 'hw.tee-debug',
    doc: 'atmu_anomaly[6] = 1: the current TEE evidence says debug.',
    verdict: 'REQUIRE_APPROVAL',
    reason: 'the TEE evidence says debug mode is on: the host can read guest memory',
    fires: (at) => at('atmu_anomaly', 6) >= 1,
  },
  {
    id: 'hw.watchdog',
    doc: 'watchdog_signals[0] (watchdog strikes / 5) ≥ 0.2, or watchdog_signals[3] (share of the interval with all tasks stalled on I/O, PSI) ≥ 0.8.',
    verdict: 'REQUIRE_APPROVAL',
    reason:
      'the machine stalled during this call (watchdog strikes or all tasks stuck on I/O most of the time)',
    fires: (at) => at('watchdog_signals', 0) >= 0.2 || at('watchdog_signals', 3) >= 0.8,
  },
  {
    id: 'hw.cost-divergence',
    doc: "hw_cost_attestation[14] ≥ 0.5: the agent tree's CPU time since the session's first call exceeds 1.5 × elapsed time × CPUs (physically impossible: counters or claims do not agree).",
    verdict: 'REQUIRE_APPROVAL',
    reason:
      'measured CPU time is more than the elapsed time and CPUs allow: hardware cost and the call do not agree',
    fires: (at) => at('hw_cost_attestation', 14) >= 0.5,
  },
  {
    id: 'hw.thermal',
    doc: 'thermal_ecc_drift[3] = 1: the hottest thermal zone is at or above 90 °C.',
    verdict: 'REQUIRE_APPROVAL',
    reason: 'hardware temperature at or above 90 °C',
    fires: (at) => at('thermal_ecc_drift', 3) >= 1,
  },
  {
    id: 'hw.dma-fanout',
    doc: 'dma_fanout[0] ≥ 0.5: the agent tree holds connections to 16 or more distinct remote endpoints.',
    verdict: 'REQUIRE_APPROVAL',
    reason: "the agent's processes hold connections to 16 or more remote endpoints",
    fires: (at) => at('dma_fanout', 0) >= 0.5,
  },
  {
    id: 'hw.ecc-uncorrectable',
    doc: 'atmu_anomaly[3] ≥ 1: uncorrected memory errors (EDAC) during the interval.',
    verdict: 'REQUIRE_APPROVAL',
    reason: 'uncorrectable memory errors',
    fires: (at) => at('atmu_anomaly', 3) >= 1,
  },
];

/** 337 hardware anomalies: fixed rules, then per-host baselines learned from earlier calls; no-op without hardware. */
export function step337(ctx: StepContext): StepOutput {
  if (ctx.hwMask === 0) return { trace: 'no hardware band' };
  const at = (name: string, i: number): number => ctx.atv[subfield(name).offset + i] as number;
  const baseline = ctx.store.loadHwBaseline();
  // Learn from every call with a band (outliers included: the baseline is the host's, not a whitelist).
  let outlier: (typeof BASELINE_FEATURES)[number] | undefined;
  for (const f of BASELINE_FEATURES) {
    const key = `${f.subfield}.${f.dim}`;
    const x = at(f.subfield, f.dim);
    if (outlier === undefined && isOutlier(baseline[key], x)) outlier = f;
    observe(baseline, key, x);
  }
  ctx.store.saveHwBaseline(baseline);
  const rule = HW_RULES.find((r) => r.fires(at, ctx.call.tool.canonical));
  if (rule !== undefined)
    return { trace: 'hw', finding: { verdict: rule.verdict, rules: [rule.id], reason: rule.reason } };
  if (outlier !== undefined)
    return {
      trace: 'hw baseline',
      finding: {
        verdict: 'REQUIRE_APPROVAL',
        rules: ['hw.baseline-outlier'],
        reason: `${outlier.what} far above what this host usually shows for one call`,
      },
    };
  return { trace: 'hardware band within thresholds and baseline' };
}

/** 340 policy lists then judge (grey zone only: not safe-listed, not explicitly allowed). */
export async function step340(ctx: StepContext, state: PipelineState): Promise<StepOutput> {
  const judge = ctx.judge;
  const tool = ctx.call.tool;
  const applies = (r: { tool?: string; arg_pattern?: string }): boolean =>
    (r.tool === undefined || r.tool === tool.raw || r.tool === tool.canonical) &&
    (r.arg_pattern === undefined || new RegExp(r.arg_pattern, 'i').test(ctx.argsJson));
  const deny = ctx.policies.lists.deny.find(applies);
  if (deny !== undefined)
    return {
      trace: `policy deny ${deny.name}`,
      finding: {
        verdict: 'BLOCK',
        rules: [`policy.deny.${deny.name}`],
        reason: `denied by policy rule ${deny.name}`,
      },
    };
  const allow = ctx.policies.lists.allow.find(applies);
  if (allow !== undefined) return { trace: `policy allow ${allow.name}` };
  if (state.fastPath) return { trace: 'safe fast path: judge skipped' };
  if (judge === undefined) return { trace: 'no judge configured' };
  const j = await judge.evaluate(ctx.call, ctx.atv);
  if (j.verdict === 'ALLOW') return { trace: `judge ${judge.name}: allow`, judge: j };
  return {
    trace: `judge ${judge.name}: ${j.verdict}`,
    finding: { verdict: j.verdict, rules: [`judge.${judge.name}`], reason: j.reason },
    judge: j,
  };
}

import type { StepTrace } from '../core/decision.js';
import * as S from './steps.js';

/**
 * The pipeline as a table in the seed's numbering (reference §2.1): the firewall walks it in order and the
 * first BLOCK or REQUIRE_APPROVAL wins. Steps 350 (approval request), 360 (the record, handed to the caller)
 * and 370 (exec recommendation) run after a decision exists, so they are in firewall.ts, not here.
 */
export interface PipelineStep {
  readonly step: number;
  readonly name: string;
  readonly run: (ctx: S.StepContext, state: S.PipelineState) => S.StepOutput | Promise<S.StepOutput>;
}

export const PIPELINE: readonly PipelineStep[] = [
  { step: 305, name: 'safe-list', run: S.step305 },
  { step: 308, name: 'identity', run: S.step308 },
  { step: 309, name: 'instruction-drift', run: S.step309 },
  { step: 310, name: 'sensitive-paths', run: S.step310 },
  { step: 311, name: 'rule-packs', run: S.step311 },
  { step: 312, name: 'normalise', run: S.step312 },
  { step: 315, name: 'aid-and-breaker', run: S.step315 },
  { step: 320, name: 'blast-radius', run: S.step320 },
  { step: 330, name: 'blast-approval', run: S.step330 },
  { step: 335, name: 'token-budget', run: S.step335 },
  { step: 336, name: 'loop', run: S.step336 },
  { step: 337, name: 'hardware-band', run: S.step337 },
  { step: 340, name: 'policy-lists-and-judge', run: S.step340 },
];

export interface PipelineResult {
  readonly decided: { readonly step: number; readonly finding: S.Finding } | undefined;
  readonly steps: StepTrace[];
  readonly judge: S.StepOutput['judge'];
}

/** Walks PIPELINE until a step decides; each step's trace is kept for the caller. */
export async function runPipeline(ctx: S.StepContext): Promise<PipelineResult> {
  const steps: StepTrace[] = [];
  let state: S.PipelineState = { fastPath: false };
  let judge: S.StepOutput['judge'];
  for (const { step, name, run } of PIPELINE) {
    const out = await run(ctx, state);
    steps.push({ step, name, trace: out.trace });
    if (out.fastPath !== undefined) state = { ...state, fastPath: out.fastPath };
    if (out.judge !== undefined) judge = out.judge;
    if (out.finding !== undefined) return { decided: { step, finding: out.finding }, steps, judge };
  }
  return { decided: undefined, steps, judge };
}

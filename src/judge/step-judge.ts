import type { JudgeResult } from '../core/decision.js';
import { judgeRecord, type Judge, type JudgeDecision } from './judge.js';

/** The shape pipeline step 340 calls (src/firewall/steps.ts `Judge`), kept structural so src/judge need not import the firewall. */
export interface StepJudge {
  readonly name: string;
  evaluate(call: unknown, atv: Float32Array): Promise<JudgeResult & { judge: JudgeDecision }>;
}

/**
 * Adapts a JudgeNet judge to step 340. The reason names the engine that ran (fpga on which transport, or cpu with
 * the fallback code), the model hash and the three subfields with the largest attribution, so the record says which
 * ran and why; the full decision rides along in `judge`, the record's fields in `record`.
 */
export function stepJudge(judge: Judge): StepJudge {
  return {
    name: judge.name,
    async evaluate(_call: unknown, atv: Float32Array) {
      const d = await judge.judge({ atv });
      const engine =
        d.engine === 'fpga'
          ? `fpga (${d.device ?? 'device'})`
          : `cpu${d.fallback === undefined ? '' : ` (fallback ${d.fallback})`}`;
      const top = [...d.attribution]
        .sort((a, b) => b.value - a.value)
        .slice(0, 3)
        .map((a) => a.subfield)
        .join(', ');
      const reason = `JudgeNet ${d.verdict} (confidence ${d.confidence.toFixed(2)}) on ${engine}, model ${d.model_hash.slice(0, 16)}; driven by ${top}`;
      return { verdict: d.verdict, reason, judge: d, record: judgeRecord(d) };
    },
  };
}

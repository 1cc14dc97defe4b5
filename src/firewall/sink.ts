import type { Verdict } from './policy/types.js';

/**
 * Where decisions go (step 360). The firewall never imports src/audit (DESIGN.md layers); the
 * composition root adapts the audit log (`openHomeAuditLog(...).append`) to this interface.
 * Records carry only hashes and a redacted preview, never raw arguments.
 */
export interface DecisionRecord {
  kind: 'decision';
  session: string;
  tenant?: string;
  aid?: string;
  tool: string;
  args_sha3: string;
  decision: Verdict;
  reason: string;
  rules: string[];
  atv_sha3: string;
  data: {
    /** Step 340's judge: engine (cpu / fpga), device or fallback code, model hash, verdict. */
    judge?: Record<string, string | number>;
    canonical_tool: string;
    step: number | null;
    blast: number;
    hw_mask: number;
    hw_source: string;
    preview: string;
    tool_use_id?: string;
  };
}

export interface DecisionSink {
  append(record: DecisionRecord): Promise<{ seq: number; this_hash: string } | undefined>;
}

/** Keeps records in memory (tests, benchmarks, `--no-audit`). */
export class MemorySink implements DecisionSink {
  readonly records: DecisionRecord[] = [];
  append(record: DecisionRecord): Promise<undefined> {
    this.records.push(record);
    return Promise.resolve(undefined);
  }
}

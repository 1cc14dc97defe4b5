import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One stored audit record, as the auditor reads it (docs/formats.md "Records"). */
export interface StoredRecord {
  seq: number;
  kind: string;
  session: string | null;
  tool: string | null;
  decision: string | null;
  reason: string | null;
  rules: string[];
  atv_sha3: string | null;
  args_sha3: string | null;
  data: Record<string, unknown> | null;
}

/** Every record of the log in `dir`, in order (segments are numbered; lines are records). */
export function readLogRecords(dir: string): StoredRecord[] {
  return readdirSync(dir)
    .filter((n) => /^audit-\d{8}\.jsonl$/.test(n))
    .sort()
    .flatMap((n) =>
      readFileSync(join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    )
    .map((l) => JSON.parse(l) as StoredRecord);
}

import { compileGlob } from '../paths.js';
import type { SensitivePaths } from '../policy/types.js';

export type Sensitivity = 'block' | 'approve';

export interface SensitiveMatcher {
  /** Class of a path that is read or written; `write` also applies the persistence list. */
  classify(path: string, write: boolean): { level: Sensitivity; pattern: string } | undefined;
}

/**
 * Original semantics (reference §3.5) with the misses fixed: exceptions first, then block, then
 * approve; patterns match the resolved absolute path, and relative patterns (`.env`, `*.pem`)
 * match at any depth.
 */
export function compileSensitive(p: SensitivePaths, home: string): SensitiveMatcher {
  const c = (list: string[]): Array<[RegExp, string]> => list.map((g) => [compileGlob(g, home), g]);
  const block = c(p.block);
  const approve = c(p.approve);
  const exceptions = c(p.exceptions);
  const writeApprove = c(p.write_approve);
  const first = (list: Array<[RegExp, string]>, path: string): string | undefined =>
    list.find(([re]) => re.test(path))?.[1];
  return {
    classify(path, write) {
      const exempt = first(exceptions, path) !== undefined;
      if (!exempt) {
        const b = first(block, path);
        if (b !== undefined) return { level: 'block', pattern: b };
      }
      const a = first(approve, path);
      if (a !== undefined && !exempt) return { level: 'approve', pattern: a };
      if (write) {
        const w = first(writeApprove, path);
        if (w !== undefined) return { level: 'approve', pattern: w };
      }
      return undefined;
    },
  };
}

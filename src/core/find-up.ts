import { dirname } from 'node:path';

/**
 * Walks from `start` up to the file-system root and returns the first non-undefined answer of `probe`.
 * Used to find what the package ships (policies, models, package.json) from src/ under tsx and from dist/src/
 * once built, where fixed relative paths would differ.
 */
export function findUpward<T>(start: string, probe: (dir: string) => T | undefined): T | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const hit = probe(dir);
    if (hit !== undefined) return hit;
    if (dirname(dir) === dir) return undefined;
  }
}

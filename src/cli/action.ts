import { AegisError, toAegisError } from '../core/errors.js';
import type { CliIo } from './context.js';

/** Exit codes (DESIGN.md, Contracts: CLI). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Set by an action; main() returns it. Commander's action callbacks cannot return values. */
export const exitState = { code: EXIT_OK };

/**
 * Wraps a verb's implementation: the returned number becomes the exit code; an AegisError is printed as
 * `aegis: CODE: message` (or as JSON when --json), exit 2 unless the error says otherwise; anything
 * else is an INTERNAL_ERROR without a stack trace (set AEGIS_DEBUG=1 to see it).
 */
export function action<A extends unknown[]>(io: CliIo, fn: (...args: A) => Promise<number> | number) {
  return async (...args: A): Promise<void> => {
    try {
      exitState.code = await fn(...args);
    } catch (e) {
      exitState.code = reportError(io, e, wantsJson(args));
    }
  };
}

function wantsJson(args: unknown[]): boolean {
  return args.some((a) => typeof a === 'object' && a !== null && (a as { json?: unknown }).json === true);
}

export function reportError(io: CliIo, e: unknown, json: boolean): number {
  const err: AegisError = toAegisError(e);
  if (json) {
    io.out(JSON.stringify({ ok: false, errors: [{ code: err.code, message: err.message }] }));
  } else {
    io.err(`aegis: ${err.code}: ${err.message}`);
  }
  if (err.code === 'INTERNAL_ERROR' && io.env['AEGIS_DEBUG'] === '1' && err.cause instanceof Error) {
    io.err(err.cause.stack ?? String(err.cause));
  }
  const exit = err.detail?.['exit'];
  return typeof exit === 'number' ? exit : EXIT_USAGE;
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

/**
 * One error class with a stable string code per failure (DESIGN.md, Contracts: Errors).
 * Codes are SCREAMING_SNAKE strings listed in docs/errors.md; tests assert on `code`, never on message text.
 * ErrorCode is generated from docs/errors.md (src/core/error-codes-gen.ts); undocumented codes do not compile.
 * Messages are for people and never carry secrets (key bytes, seeds, raw arguments).
 */
export class AegisError extends Error {
  readonly code: ErrorCode;
  /** Structured, non-secret facts for --json output (seq, offsets, field names …). */
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AegisError';
    this.code = code;
    this.detail = options?.detail;
  }

  toJSON(): { code: ErrorCode; message: string; detail?: Readonly<Record<string, unknown>> } {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Throws an AegisError; typed `never` so it can end an expression branch. */
export function fail(code: ErrorCode, message: string, detail?: Record<string, unknown>): never {
  throw new AegisError(code, message, detail === undefined ? undefined : { detail });
}

/** Narrowing guard for catch blocks. */
export function isAegisError(e: unknown, code?: ErrorCode): e is AegisError {
  return e instanceof AegisError && (code === undefined || e.code === code);
}

/**
 * Converts anything thrown into an AegisError. Unknown errors become INTERNAL_ERROR with the
 * original kept as `cause` (for --debug), so a user never sees a raw stack trace.
 */
export function toAegisError(e: unknown, fallbackCode: ErrorCode = 'INTERNAL_ERROR'): AegisError {
  if (e instanceof AegisError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AegisError(fallbackCode, message, { cause: e });
}

/** True when `code` is a documented code; use it on codes that arrive at run time (JSON, a child process). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as ReadonlySet<string>).has(code);
}

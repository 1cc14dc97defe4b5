import { toAegisError, type ErrorCode } from '#core/errors.js';

/** One failed check of a verification: a stable code (docs/errors.md) and a message for people. */
export interface VerifyError {
  code: ErrorCode;
  message: string;
}

/**
 * Runs independent checks and collects their failures, so that a report lists every problem found
 * (an auditor fixing collateral wants all of them, not the first). A check throws an AegisError to fail.
 */
export class CheckList {
  readonly errors: VerifyError[] = [];

  run<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (e) {
      const err = toAegisError(e);
      this.errors.push({ code: err.code, message: err.message });
      return undefined;
    }
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  has(code: ErrorCode): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

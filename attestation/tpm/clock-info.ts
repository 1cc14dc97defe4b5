import type { ByteReader } from '#core/bytes.js';

/** TPMS_CLOCK_INFO (Part 2 §10.11.1). */
export interface ClockInfo {
  /** Milliseconds the TPM has been powered since its last Clear; never goes back while `safe`. */
  clock: bigint;
  /** TPM Resets (Startup(CLEAR) without a prior Shutdown(STATE)) since the last Clear. */
  resetCount: number;
  /** TPM Restarts and Resumes since the last reset. */
  restartCount: number;
  /** NO if the clock value may have been reported before and then lost (e.g. NV write failed). */
  safe: boolean;
}

export function getClockInfo(r: ByteReader): ClockInfo {
  const clock = r.u64be('clockInfo.clock');
  const resetCount = r.u32be('clockInfo.resetCount');
  const restartCount = r.u32be('clockInfo.restartCount');
  const safe = r.u8('clockInfo.safe') !== 0;
  return { clock, resetCount, restartCount, safe };
}

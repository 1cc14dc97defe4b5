import { AegisError } from '#core/errors.js';
import type { TpmErrorCode } from '#core/error-codes.js';

/**
 * TPM_RC decoding (TCG TPM 2.0 Library Part 2 §6.6). A response code is either format-zero
 * (bit 7 clear: RC_VER1 errors at 0x100+, RC_WARN warnings at 0x900+) or format-one (bit 7 set: the error
 * number in bits 0–5 plus RC_FMT1 = 0x080, and in bits 8–11 the parameter, handle or session it refers to).
 */
// Tables hold the names without the TPM_RC_ prefix; decodeRc adds it.
const PREFIX = 'TPM_RC_';

const FMT1: Readonly<Record<number, string>> = {
  0x081: 'ASYMMETRIC',
  0x082: 'ATTRIBUTES',
  0x083: 'HASH',
  0x084: 'VALUE',
  0x085: 'HIERARCHY',
  0x087: 'KEY_SIZE',
  0x088: 'MGF',
  0x089: 'MODE',
  0x08a: 'TYPE',
  0x08b: 'HANDLE',
  0x08c: 'KDF',
  0x08d: 'RANGE',
  0x08e: 'AUTH_FAIL',
  0x08f: 'NONCE',
  0x090: 'PP',
  0x092: 'SCHEME',
  0x095: 'SIZE',
  0x096: 'SYMMETRIC',
  0x097: 'TAG',
  0x098: 'SELECTOR',
  0x09a: 'INSUFFICIENT',
  0x09b: 'SIGNATURE',
  0x09c: 'KEY',
  0x09d: 'POLICY_FAIL',
  0x09f: 'INTEGRITY',
  0x0a0: 'TICKET',
  0x0a1: 'RESERVED_BITS',
  0x0a2: 'BAD_AUTH',
  0x0a3: 'EXPIRED',
  0x0a4: 'POLICY_CC',
  0x0a5: 'BINDING',
  0x0a6: 'CURVE',
  0x0a7: 'ECC_POINT',
};

const VER1: Readonly<Record<number, string>> = {
  0x100: 'INITIALIZE',
  0x101: 'FAILURE',
  0x103: 'SEQUENCE',
  0x10b: 'PRIVATE',
  0x119: 'HMAC',
  0x120: 'DISABLED',
  0x121: 'EXCLUSIVE',
  0x124: 'AUTH_TYPE',
  0x125: 'AUTH_MISSING',
  0x126: 'POLICY',
  0x127: 'PCR',
  0x128: 'PCR_CHANGED',
  0x12d: 'UPGRADE',
  0x12e: 'TOO_MANY_CONTEXTS',
  0x12f: 'AUTH_UNAVAILABLE',
  0x130: 'REBOOT',
  0x131: 'UNBALANCED',
  0x142: 'COMMAND_SIZE',
  0x143: 'COMMAND_CODE',
  0x144: 'AUTHSIZE',
  0x145: 'AUTH_CONTEXT',
  0x146: 'NV_RANGE',
  0x147: 'NV_SIZE',
  0x148: 'NV_LOCKED',
  0x149: 'NV_AUTHORIZATION',
  0x14a: 'NV_UNINITIALIZED',
  0x14b: 'NV_SPACE',
  0x14c: 'NV_DEFINED',
  0x150: 'BAD_CONTEXT',
  0x151: 'CPHASH',
  0x152: 'PARENT',
  0x153: 'NEEDS_TEST',
  0x154: 'NO_RESULT',
  0x155: 'SENSITIVE',
};

const WARN: Readonly<Record<number, string>> = {
  0x901: 'CONTEXT_GAP',
  0x902: 'OBJECT_MEMORY',
  0x903: 'SESSION_MEMORY',
  0x904: 'MEMORY',
  0x905: 'SESSION_HANDLES',
  0x906: 'OBJECT_HANDLES',
  0x907: 'LOCALITY',
  0x908: 'YIELDED',
  0x909: 'CANCELED',
  0x90a: 'TESTING',
  0x920: 'NV_RATE',
  0x921: 'LOCKOUT',
  0x922: 'RETRY',
  0x923: 'NV_UNAVAILABLE',
};

export interface DecodedRc {
  rc: number;
  /** The TCG name, e.g. TPM_RC_POLICY_FAIL; TPM_RC_0x… when the value is not in the tables. */
  name: string;
  warning: boolean;
  /** Which parameter, handle or session (1-based) the error refers to, for format-one codes. */
  parameter?: number;
  handle?: number;
  session?: number;
}

export function decodeRc(rc: number): DecodedRc {
  if ((rc & 0x080) !== 0) {
    const base = (rc & 0x03f) | 0x080;
    const n = (rc >>> 8) & 0x0f;
    const d: DecodedRc = { rc, name: named(FMT1[base], base), warning: false };
    if ((rc & 0x040) !== 0) d.parameter = n;
    else if ((n & 0x8) !== 0) d.session = n & 0x7;
    else if (n !== 0) d.handle = n;
    return d;
  }
  if ((rc & 0x100) !== 0) {
    const warning = (rc & 0x800) !== 0;
    const base = rc & 0x97f;
    return { rc, name: named(warning ? WARN[base] : VER1[base], base), warning };
  }
  return { rc, name: rc === 0 ? `${PREFIX}SUCCESS` : hexName(rc), warning: false };
}

function named(suffix: string | undefined, base: number): string {
  return suffix === undefined ? hexName(base) : PREFIX + suffix;
}

function hexName(v: number): string {
  return `${PREFIX}0x${v.toString(16).padStart(3, '0')}`;
}

/**
 * Response codes that get an Aegis code of the same name (docs/errors.md, "TPM"); every other non-zero
 * code becomes TPM_RC_ERROR with the TCG name in `detail.tpm_rc_name`.
 */
export const MAPPED_RC_CODES: ReadonlySet<TpmErrorCode> = new Set(
  (
    [
      'POLICY_FAIL',
      'PCR_CHANGED',
      'AUTH_FAIL',
      'BAD_AUTH',
      'LOCKOUT',
      'INITIALIZE',
      'FAILURE',
      'INTEGRITY',
      'HANDLE',
      'VALUE',
      'SIZE',
      'OBJECT_MEMORY',
      'SESSION_MEMORY',
      'RETRY',
    ] as const
  ).map((n) => `${PREFIX}${n}` as const),
);
const isMappedRc = (name: string): name is TpmErrorCode => (MAPPED_RC_CODES as ReadonlySet<string>).has(name);

/** Builds the AegisError for a failed command; `command` is the TPM_CC name for the message. */
export function tpmRcError(rc: number, command: string): AegisError {
  const d = decodeRc(rc);
  const code: TpmErrorCode = isMappedRc(d.name) ? d.name : 'TPM_RC_ERROR';
  const where =
    d.parameter !== undefined
      ? ` (parameter ${d.parameter})`
      : d.session !== undefined
        ? ` (session ${d.session})`
        : d.handle !== undefined
          ? ` (handle ${d.handle})`
          : '';
  const detail: Record<string, unknown> = {
    tpm_rc: `0x${rc.toString(16).padStart(3, '0')}`,
    tpm_rc_name: d.name,
    command,
  };
  return new AegisError(code, `TPM2_${command} failed: ${d.name}${where}`, { detail });
}

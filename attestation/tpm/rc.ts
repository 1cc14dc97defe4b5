import { AegisError } from '../../src/core/errors.js';

/**
 * TPM_RC decoding (TCG TPM 2.0 Library Part 2 §6.6). A response code is either format-zero
 * (bit 7 clear: RC_VER1 errors at 0x100+, RC_WARN warnings at 0x900+) or format-one (bit 7 set: the error
 * number in bits 0–5 plus RC_FMT1 = 0x080, and in bits 8–11 the parameter, handle or session it refers to).
 */
const FMT1: Readonly<Record<number, string>> = {
  0x081: 'TPM_RC_ASYMMETRIC',
  0x082: 'TPM_RC_ATTRIBUTES',
  0x083: 'TPM_RC_HASH',
  0x084: 'TPM_RC_VALUE',
  0x085: 'TPM_RC_HIERARCHY',
  0x087: 'TPM_RC_KEY_SIZE',
  0x088: 'TPM_RC_MGF',
  0x089: 'TPM_RC_MODE',
  0x08a: 'TPM_RC_TYPE',
  0x08b: 'TPM_RC_HANDLE',
  0x08c: 'TPM_RC_KDF',
  0x08d: 'TPM_RC_RANGE',
  0x08e: 'TPM_RC_AUTH_FAIL',
  0x08f: 'TPM_RC_NONCE',
  0x090: 'TPM_RC_PP',
  0x092: 'TPM_RC_SCHEME',
  0x095: 'TPM_RC_SIZE',
  0x096: 'TPM_RC_SYMMETRIC',
  0x097: 'TPM_RC_TAG',
  0x098: 'TPM_RC_SELECTOR',
  0x09a: 'TPM_RC_INSUFFICIENT',
  0x09b: 'TPM_RC_SIGNATURE',
  0x09c: 'TPM_RC_KEY',
  0x09d: 'TPM_RC_POLICY_FAIL',
  0x09f: 'TPM_RC_INTEGRITY',
  0x0a0: 'TPM_RC_TICKET',
  0x0a1: 'TPM_RC_RESERVED_BITS',
  0x0a2: 'TPM_RC_BAD_AUTH',
  0x0a3: 'TPM_RC_EXPIRED',
  0x0a4: 'TPM_RC_POLICY_CC',
  0x0a5: 'TPM_RC_BINDING',
  0x0a6: 'TPM_RC_CURVE',
  0x0a7: 'TPM_RC_ECC_POINT',
};

const VER1: Readonly<Record<number, string>> = {
  0x100: 'TPM_RC_INITIALIZE',
  0x101: 'TPM_RC_FAILURE',
  0x103: 'TPM_RC_SEQUENCE',
  0x10b: 'TPM_RC_PRIVATE',
  0x119: 'TPM_RC_HMAC',
  0x120: 'TPM_RC_DISABLED',
  0x121: 'TPM_RC_EXCLUSIVE',
  0x124: 'TPM_RC_AUTH_TYPE',
  0x125: 'TPM_RC_AUTH_MISSING',
  0x126: 'TPM_RC_POLICY',
  0x127: 'TPM_RC_PCR',
  0x128: 'TPM_RC_PCR_CHANGED',
  0x12d: 'TPM_RC_UPGRADE',
  0x12e: 'TPM_RC_TOO_MANY_CONTEXTS',
  0x12f: 'TPM_RC_AUTH_UNAVAILABLE',
  0x130: 'TPM_RC_REBOOT',
  0x131: 'TPM_RC_UNBALANCED',
  0x142: 'TPM_RC_COMMAND_SIZE',
  0x143: 'TPM_RC_COMMAND_CODE',
  0x144: 'TPM_RC_AUTHSIZE',
  0x145: 'TPM_RC_AUTH_CONTEXT',
  0x146: 'TPM_RC_NV_RANGE',
  0x147: 'TPM_RC_NV_SIZE',
  0x148: 'TPM_RC_NV_LOCKED',
  0x149: 'TPM_RC_NV_AUTHORIZATION',
  0x14a: 'TPM_RC_NV_UNINITIALIZED',
  0x14b: 'TPM_RC_NV_SPACE',
  0x14c: 'TPM_RC_NV_DEFINED',
  0x150: 'TPM_RC_BAD_CONTEXT',
  0x151: 'TPM_RC_CPHASH',
  0x152: 'TPM_RC_PARENT',
  0x153: 'TPM_RC_NEEDS_TEST',
  0x154: 'TPM_RC_NO_RESULT',
  0x155: 'TPM_RC_SENSITIVE',
};

const WARN: Readonly<Record<number, string>> = {
  0x901: 'TPM_RC_CONTEXT_GAP',
  0x902: 'TPM_RC_OBJECT_MEMORY',
  0x903: 'TPM_RC_SESSION_MEMORY',
  0x904: 'TPM_RC_MEMORY',
  0x905: 'TPM_RC_SESSION_HANDLES',
  0x906: 'TPM_RC_OBJECT_HANDLES',
  0x907: 'TPM_RC_LOCALITY',
  0x908: 'TPM_RC_YIELDED',
  0x909: 'TPM_RC_CANCELED',
  0x90a: 'TPM_RC_TESTING',
  0x920: 'TPM_RC_NV_RATE',
  0x921: 'TPM_RC_LOCKOUT',
  0x922: 'TPM_RC_RETRY',
  0x923: 'TPM_RC_NV_UNAVAILABLE',
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
    const d: DecodedRc = { rc, name: FMT1[base] ?? hexName(base), warning: false };
    if ((rc & 0x040) !== 0) d.parameter = n;
    else if ((n & 0x8) !== 0) d.session = n & 0x7;
    else if (n !== 0) d.handle = n;
    return d;
  }
  if ((rc & 0x100) !== 0) {
    const warning = (rc & 0x800) !== 0;
    const base = rc & 0x97f;
    return { rc, name: (warning ? WARN[base] : VER1[base]) ?? hexName(base), warning };
  }
  return { rc, name: rc === 0 ? 'TPM_RC_SUCCESS' : hexName(rc), warning: false };
}

function hexName(v: number): string {
  return `TPM_RC_0x${v.toString(16).padStart(3, '0')}`;
}

/**
 * Response codes that get an Aegis code of the same name (docs/errors.md, "TPM"); every other non-zero
 * code becomes TPM_RC_ERROR with the TCG name in `detail.tpm_rc_name`.
 */
export const MAPPED_RC_CODES: ReadonlySet<string> = new Set([
  'TPM_RC_POLICY_FAIL',
  'TPM_RC_PCR_CHANGED',
  'TPM_RC_AUTH_FAIL',
  'TPM_RC_BAD_AUTH',
  'TPM_RC_LOCKOUT',
  'TPM_RC_INITIALIZE',
  'TPM_RC_FAILURE',
  'TPM_RC_INTEGRITY',
  'TPM_RC_HANDLE',
  'TPM_RC_VALUE',
  'TPM_RC_SIZE',
  'TPM_RC_OBJECT_MEMORY',
  'TPM_RC_SESSION_MEMORY',
  'TPM_RC_RETRY',
]);

/** Builds the AegisError for a failed command; `command` is the TPM_CC name for the message. */
export function tpmRcError(rc: number, command: string): AegisError {
  const d = decodeRc(rc);
  const code = MAPPED_RC_CODES.has(d.name) ? d.name : 'TPM_RC_ERROR';
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

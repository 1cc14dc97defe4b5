import { ByteReader, ByteWriter } from '#core/bytes.js';
import { fail } from '#core/errors.js';
import { TPM_CC, TPM_RS_PW, TPM_ST } from './constants.js';
import { getTpm2b, putTpm2b } from './marshal.js';
import { tpmRcError } from './rc.js';

/**
 * Command and response framing (TCG TPM 2.0 Library Part 1 §18; Part 3 §4 for the layout of every command):
 *   command  = tag ‖ commandSize ‖ commandCode ‖ handles ‖ [authorizationSize ‖ TPMS_AUTH_COMMAND…] ‖ parameters
 *   response = tag ‖ responseSize ‖ responseCode ‖ handles ‖ [parameterSize] ‖ parameters ‖ [TPMS_AUTH_RESPONSE…]
 */

/** TPMS_AUTH_COMMAND (Part 2 §10.13.2). */
export interface AuthCommand {
  sessionHandle: number;
  nonceCaller: Uint8Array;
  sessionAttributes: number;
  /** An HMAC, or the password for TPM_RS_PW. */
  hmac: Uint8Array;
}

/** The password pseudo-session with an empty password (Part 1 §19.6.5): authorizes objects whose authValue is empty. */
export const EMPTY_PASSWORD: AuthCommand = {
  sessionHandle: TPM_RS_PW,
  nonceCaller: new Uint8Array(0),
  sessionAttributes: 0,
  hmac: new Uint8Array(0),
};

/** A policy session used once (continueSession clear, so the TPM flushes it after the command). */
export function policyAuth(sessionHandle: number): AuthCommand {
  return { sessionHandle, nonceCaller: new Uint8Array(0), sessionAttributes: 0, hmac: new Uint8Array(0) };
}

/** A command ready to send: its code (for error messages) and the marshalled bytes. */
export interface TpmCommand {
  code: number;
  bytes: Uint8Array;
  /** Number of handles in the response handle area (Part 3 "Response" tables). */
  responseHandles: number;
}

export function encodeCommand(
  code: number,
  handles: readonly number[],
  auths: readonly AuthCommand[],
  parameters: Uint8Array,
  responseHandles = 0,
): TpmCommand {
  const body = new ByteWriter();
  for (const h of handles) body.u32be(h >>> 0);
  if (auths.length > 0) {
    const a = new ByteWriter();
    for (const s of auths) {
      a.u32be(s.sessionHandle >>> 0);
      putTpm2b(a, s.nonceCaller);
      a.u8(s.sessionAttributes);
      putTpm2b(a, s.hmac);
    }
    const ab = a.finish();
    body.u32be(ab.length).bytes(ab);
  }
  body.bytes(parameters);
  const b = body.finish();
  const tag = auths.length > 0 ? TPM_ST.SESSIONS : TPM_ST.NO_SESSIONS;
  const bytes = new ByteWriter()
    .u16be(tag)
    .u32be(10 + b.length)
    .u32be(code)
    .bytes(b)
    .finish();
  return { code, bytes, responseHandles };
}

/** TPMS_AUTH_RESPONSE (Part 2 §10.13.3). */
export interface AuthResponse {
  nonceTPM: Uint8Array;
  sessionAttributes: number;
  hmac: Uint8Array;
}

export interface TpmResponse {
  handles: number[];
  /** The response parameter area (without the authorization area). */
  parameters: Uint8Array;
  /** One entry per session of the command, when the response has tag TPM_ST_SESSIONS. */
  auths: AuthResponse[];
}

const CC_NAME: ReadonlyMap<number, string> = new Map(Object.entries(TPM_CC).map(([k, v]) => [v, k]));

export function commandName(code: number): string {
  return CC_NAME.get(code) ?? `0x${code.toString(16)}`;
}

/** Reads the responseSize field of a (partial) response header; undefined until 6 bytes are present. */
export function responseLength(head: Uint8Array): number | undefined {
  if (head.length < 6) return undefined;
  return new ByteReader(head.subarray(2, 6)).u32be();
}

/**
 * Splits a response; a non-zero responseCode becomes the mapped AegisError (rc.ts), a malformed frame
 * TPM_RESPONSE_MALFORMED.
 */
export function decodeResponse(cmd: TpmCommand, resp: Uint8Array): TpmResponse {
  const r = new ByteReader(resp, `TPM2_${commandName(cmd.code)} response`);
  if (resp.length < 10)
    fail('TPM_RESPONSE_MALFORMED', `TPM response of ${resp.length} bytes is shorter than a header`);
  const tag = r.u16be('tag');
  const size = r.u32be('responseSize');
  const rc = r.u32be('responseCode');
  if (size !== resp.length)
    fail('TPM_RESPONSE_MALFORMED', `TPM responseSize ${size} differs from the ${resp.length} bytes received`);
  if (rc !== 0) throw tpmRcError(rc, commandName(cmd.code));
  if (tag !== TPM_ST.SESSIONS && tag !== TPM_ST.NO_SESSIONS)
    fail('TPM_RESPONSE_MALFORMED', `TPM response tag 0x${tag.toString(16)}`);
  const handles: number[] = [];
  for (let i = 0; i < cmd.responseHandles; i++) handles.push(r.u32be('handle'));
  if (tag === TPM_ST.SESSIONS) {
    const n = r.u32be('parameterSize');
    const parameters = r.bytes(n, 'parameters');
    const auths: AuthResponse[] = [];
    while (r.remaining > 0) {
      const nonceTPM = getTpm2b(r, 'nonceTPM');
      const sessionAttributes = r.u8('sessionAttributes');
      const hmac = getTpm2b(r, 'hmac');
      auths.push({ nonceTPM, sessionAttributes, hmac });
    }
    return { handles, parameters, auths };
  }
  return { handles, parameters: r.bytes(r.remaining, 'parameters'), auths: [] };
}

/** A reader over the response parameters that must be consumed exactly. */
export function paramReader(resp: TpmResponse, what: string): ByteReader {
  return new ByteReader(resp.parameters, what);
}

export function expectEnd(r: ByteReader, what: string): void {
  if (r.remaining !== 0) fail('TPM_RESPONSE_MALFORMED', `${what}: ${r.remaining} unexpected trailing bytes`);
}

export { getTpm2b };

import { fail } from '#core/errors.js';
import { fromHex } from '#core/encoding.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '#core/canonical-json.js';

/**
 * TCB Info (Intel PCS API v3 "v2" and v4 "v3", SGX and TDX) and Enclave Identity v2 (QE, TD_QE, QVE), parsed
 * from the exact signed JSON text after its signature has been checked (reference/tee-evidence-layouts.md
 * §3.3 items 4, 6–9). Malformed content is DCAP_COLLATERAL_INVALID.
 */
export type TcbStatus =
  | 'UpToDate'
  | 'SWHardeningNeeded'
  | 'ConfigurationNeeded'
  | 'ConfigurationAndSWHardeningNeeded'
  | 'OutOfDate'
  | 'OutOfDateConfigurationNeeded'
  | 'Revoked'
  | 'TDRelaunchAdvised'
  | 'TDRelaunchAdvisedConfigurationNeeded';

const STATUSES: ReadonlySet<string> = new Set<TcbStatus>([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
  'TDRelaunchAdvised',
  'TDRelaunchAdvisedConfigurationNeeded',
]);

export interface PlatformTcbLevel {
  sgxComponents: number[]; // 16
  pceSvn: number;
  /** TDX TCB Info v3 only. */
  tdxComponents: number[] | undefined; // 16
  tcbDate: string;
  tcbStatus: TcbStatus;
  advisoryIds: string[];
}

export interface IsvTcbLevel {
  isvSvn: number;
  tcbDate: string;
  tcbStatus: TcbStatus;
  advisoryIds: string[];
}

export interface TdxModuleIdentity {
  id: string;
  mrSigner: string; // upper/lower hex, compared case-insensitively
  attributes: string;
  attributesMask: string;
  tcbLevels: IsvTcbLevel[];
}

export interface TcbInfo {
  id: 'SGX' | 'TDX';
  version: 2 | 3;
  issueDate: Date;
  nextUpdate: Date;
  fmspc: string;
  pceId: string;
  tcbType: number;
  tcbEvaluationDataNumber: number;
  tdxModule: { mrSigner: string; attributes: string; attributesMask: string } | undefined;
  tdxModuleIdentities: TdxModuleIdentity[];
  tcbLevels: PlatformTcbLevel[];
}

export interface QeIdentity {
  id: 'QE' | 'TD_QE' | 'QVE';
  version: number;
  issueDate: Date;
  nextUpdate: Date;
  miscselect: number;
  miscselectMask: number;
  attributes: Uint8Array;
  attributesMask: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  tcbLevels: IsvTcbLevel[];
}

const bad = (what: string, msg: string): never => fail('DCAP_COLLATERAL_INVALID', `${what}: ${msg}`);

function obj(v: JsonValue | undefined, what: string): JsonObject {
  return isJsonObject(v) ? v : bad(what, 'must be an object');
}
function num(o: JsonObject, k: string, what: string): number {
  const v = o[k];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0
    ? v
    : bad(what, `${k} must be a non-negative integer`);
}
function text(o: JsonObject, k: string, what: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : bad(what, `${k} must be a string`);
}
function hexField(o: JsonObject, k: string, what: string, bytes: number): string {
  const v = text(o, k, what);
  return /^[0-9a-fA-F]*$/.test(v) && v.length === bytes * 2
    ? v
    : bad(what, `${k} must be ${bytes} bytes of hex`);
}
function date(o: JsonObject, k: string, what: string): Date {
  const d = new Date(text(o, k, what));
  return Number.isNaN(d.getTime()) ? bad(what, `${k} is not a date`) : d;
}
function arr(v: JsonValue | undefined, what: string): JsonValue[] {
  return Array.isArray(v) ? v : bad(what, 'must be an array');
}
function status(o: JsonObject, what: string): TcbStatus {
  const s = text(o, 'tcbStatus', what);
  return STATUSES.has(s) ? (s as TcbStatus) : bad(what, `unknown tcbStatus ${s}`);
}
function advisories(o: JsonObject, what: string): string[] {
  const v = o['advisoryIDs'];
  if (v === undefined) return [];
  return arr(v, `${what}.advisoryIDs`).map((x) =>
    typeof x === 'string' ? x : bad(what, 'advisoryIDs must be strings'),
  );
}

function isvLevels(v: JsonValue | undefined, what: string): IsvTcbLevel[] {
  return arr(v, what).map((l, i) => {
    const o = obj(l, `${what}[${i}]`);
    return {
      isvSvn: num(obj(o['tcb'], `${what}[${i}].tcb`), 'isvsvn', `${what}[${i}].tcb`),
      tcbDate: text(o, 'tcbDate', `${what}[${i}]`),
      tcbStatus: status(o, `${what}[${i}]`),
      advisoryIds: advisories(o, `${what}[${i}]`),
    };
  });
}

function components(v: JsonValue | undefined, what: string): number[] {
  const a = arr(v, what);
  if (a.length !== 16) bad(what, 'must list 16 components');
  return a.map((c, i) => num(obj(c, `${what}[${i}]`), 'svn', `${what}[${i}]`));
}

function platformLevel(l: JsonValue, version: 2 | 3, what: string): PlatformTcbLevel {
  const o = obj(l, what);
  const tcb = obj(o['tcb'], `${what}.tcb`);
  const sgxComponents =
    version === 2
      ? Array.from({ length: 16 }, (_, i) =>
          num(tcb, `sgxtcbcomp${String(i + 1).padStart(2, '0')}svn`, `${what}.tcb`),
        )
      : components(tcb['sgxtcbcomponents'], `${what}.tcb.sgxtcbcomponents`);
  return {
    sgxComponents,
    pceSvn: num(tcb, 'pcesvn', `${what}.tcb`),
    tdxComponents:
      tcb['tdxtcbcomponents'] === undefined
        ? undefined
        : components(tcb['tdxtcbcomponents'], `${what}.tcb.tdxtcbcomponents`),
    tcbDate: text(o, 'tcbDate', what),
    tcbStatus: status(o, what),
    advisoryIds: advisories(o, what),
  };
}

/** Parses the exact "tcbInfo" JSON text (TCB Info v2 or v3). */
export function parseTcbInfo(json: string): TcbInfo {
  const w = 'tcbInfo';
  const o = obj(parseJson(json, w), w);
  const version = num(o, 'version', w);
  if (version !== 2 && version !== 3)
    fail('DCAP_TCB_INFO_VERSION_UNSUPPORTED', `TCB Info version ${version} is not 2 or 3`);
  // TCB Info v2 has no "id" and describes SGX only (PCS API v3).
  const rawId = o['id'] === undefined ? 'SGX' : text(o, 'id', w);
  const id = rawId === 'SGX' || rawId === 'TDX' ? rawId : bad(w, `id ${rawId} is not SGX or TDX`);
  const mod = o['tdxModule'] === undefined ? undefined : obj(o['tdxModule'], `${w}.tdxModule`);
  const ids =
    o['tdxModuleIdentities'] === undefined ? [] : arr(o['tdxModuleIdentities'], `${w}.tdxModuleIdentities`);
  return {
    id,
    version,
    issueDate: date(o, 'issueDate', w),
    nextUpdate: date(o, 'nextUpdate', w),
    fmspc: hexField(o, 'fmspc', w, 6),
    pceId: hexField(o, 'pceId', w, 2),
    tcbType: num(o, 'tcbType', w),
    tcbEvaluationDataNumber: num(o, 'tcbEvaluationDataNumber', w),
    tdxModule:
      mod === undefined
        ? undefined
        : {
            mrSigner: hexField(mod, 'mrsigner', `${w}.tdxModule`, 48),
            attributes: hexField(mod, 'attributes', `${w}.tdxModule`, 8),
            attributesMask: hexField(mod, 'attributesMask', `${w}.tdxModule`, 8),
          },
    tdxModuleIdentities: ids.map((x, i) => {
      const m = obj(x, `${w}.tdxModuleIdentities[${i}]`);
      const mw = `${w}.tdxModuleIdentities[${i}]`;
      return {
        id: text(m, 'id', mw),
        mrSigner: hexField(m, 'mrsigner', mw, 48),
        attributes: hexField(m, 'attributes', mw, 8),
        attributesMask: hexField(m, 'attributesMask', mw, 8),
        tcbLevels: isvLevels(m['tcbLevels'], `${mw}.tcbLevels`),
      };
    }),
    tcbLevels: arr(o['tcbLevels'], `${w}.tcbLevels`).map((l, i) =>
      platformLevel(l, version, `${w}.tcbLevels[${i}]`),
    ),
  };
}

/** Parses the exact "enclaveIdentity" JSON text (Enclave Identity v2: QE, TD_QE, QVE). */
export function parseQeIdentity(json: string): QeIdentity {
  const w = 'enclaveIdentity';
  const o = obj(parseJson(json, w), w);
  const rawId = text(o, 'id', w);
  const id =
    rawId === 'QE' || rawId === 'TD_QE' || rawId === 'QVE'
      ? rawId
      : bad(w, `id ${rawId} is not QE, TD_QE or QVE`);
  return {
    id,
    version: num(o, 'version', w),
    issueDate: date(o, 'issueDate', w),
    nextUpdate: date(o, 'nextUpdate', w),
    miscselect: parseInt(hexField(o, 'miscselect', w, 4), 16) >>> 0,
    miscselectMask: parseInt(hexField(o, 'miscselectMask', w, 4), 16) >>> 0,
    attributes: fromHex(hexField(o, 'attributes', w, 16)),
    attributesMask: fromHex(hexField(o, 'attributesMask', w, 16)),
    mrSigner: fromHex(hexField(o, 'mrsigner', w, 32)),
    isvProdId: num(o, 'isvprodid', w),
    tcbLevels: isvLevels(o['tcbLevels'], `${w}.tcbLevels`),
  };
}

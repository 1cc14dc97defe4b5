import { fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import type { IsvTcbLevel, PlatformTcbLevel, TcbInfo, TcbStatus } from './tcb-info.js';
import type { PckExtensions } from './pck-extensions.js';
import type { TdReportBody } from '../tdx/td-report-body.js';

/**
 * TCB level selection and status convergence as in Intel's reference QVL
 * (intel/SGX-TDX-DCAP-QuoteVerificationLibrary@7e5b2a13: Verifiers/Checks/TcbLevelCheck.cpp,
 * TdxModuleCheck.cpp, QuoteVerifier.cpp; reference/tee-evidence-layouts.md §3.3 items 6–8).
 */

/**
 * `isTdxTcbHigherOrEqual`: TDX TCB components compare from index 0, except that when TEE_TCB_SVN[1]
 * (the TDX module major version) is non-zero, bytes 0–1 describe the module and are judged by the
 * TDX module identity instead, so the comparison starts at index 2.
 */
export function tdxTcbHigherOrEqual(teeTcbSvn: Uint8Array, level: readonly number[]): boolean {
  const start = (teeTcbSvn[1] as number) > 0 ? 2 : 0;
  for (let i = start; i < 16; i++) if ((teeTcbSvn[i] as number) < (level[i] as number)) return false;
  return true;
}

/**
 * `matchTcbLevels`: in PCS order (highest first), `sgx` is the first level the PCK TCB (16 SGX components and
 * PCESVN) meets; for a TD, `tdx` is the first such level whose TDX components the TEE_TCB_SVN also meets.
 * The platform level is `tdx` for a TD and `sgx` otherwise; `sgx` also feeds the TD-relaunch rule.
 */
export function matchTcbLevels(
  info: TcbInfo,
  pck: PckExtensions,
  td: TdReportBody | undefined,
): { sgx: PlatformTcbLevel | undefined; tdx: PlatformTcbLevel | undefined } {
  let sgx: PlatformTcbLevel | undefined;
  for (const level of info.tcbLevels) {
    let ok = pck.pceSvn >= level.pceSvn;
    for (let i = 0; ok && i < 16; i++) ok = (pck.compSvn[i] as number) >= (level.sgxComponents[i] as number);
    if (!ok) continue;
    sgx ??= level;
    if (td === undefined) return { sgx, tdx: undefined };
    if (level.tdxComponents !== undefined && tdxTcbHigherOrEqual(td.teeTcbSvn, level.tdxComponents))
      return { sgx, tdx: level };
  }
  return { sgx, tdx: undefined };
}

/** The level that decides the platform status: TDX level for a TD, SGX level otherwise. */
export function selectPlatformLevel(
  info: TcbInfo,
  pck: PckExtensions,
  td: TdReportBody | undefined,
): PlatformTcbLevel | undefined {
  const m = matchTcbLevels(info, pck, td);
  return td === undefined ? m.sgx : m.tdx;
}

const CONFIG_NEEDED: ReadonlySet<TcbStatus> = new Set<TcbStatus>([
  'ConfigurationNeeded',
  'OutOfDateConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'TDRelaunchAdvisedConfigurationNeeded',
]);

/**
 * TDRelaunchCheck.cpp `checkForRelaunch` (TD report 1.5 only): a TD that is OutOfDate only because its TDX
 * module was updated under it (TEE_TCB_SVN2 already meets the newest level) gets TDRelaunchAdvised
 * [ConfigurationNeeded] instead — relaunching the TD fixes it.
 */
export function tdRelaunchStatus(
  teeTcbSvn2: Uint8Array,
  info: TcbInfo,
  sgxStatus: TcbStatus,
  tdxStatus: TcbStatus,
  moduleStatus: TcbStatus,
  qeStatus: TcbStatus | undefined,
): TcbStatus {
  if (qeStatus === 'OutOfDate' || qeStatus === 'Revoked') return tdxStatus;
  if (
    !['UpToDate', 'SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded'].includes(
      sgxStatus,
    )
  )
    return tdxStatus;
  if (tdxStatus !== 'OutOfDate' && tdxStatus !== 'OutOfDateConfigurationNeeded') return tdxStatus;
  if (moduleStatus !== 'OutOfDate') return tdxStatus;
  const latest = info.tcbLevels[0];
  if (latest === undefined) fail('DCAP_TCB_NO_MATCH', 'TCB Info has no TCB level');
  const tdx = latest.tdxComponents ?? [];
  const svn = (i: number): number => teeTcbSvn2[i] as number;
  let moduleFloor: number;
  if (svn(1) === 0) {
    moduleFloor = tdx[0] ?? 0;
  } else {
    const id = `TDX_${svn(1).toString(16).toUpperCase().padStart(2, '0')}`;
    const ident = info.tdxModuleIdentities.find((x) => x.id.toUpperCase() === id);
    if (ident === undefined)
      fail('DCAP_TDX_MODULE_MISMATCH', `TCB Info has no TDX module identity ${id} for TEE_TCB_SVN2`);
    const top = ident.tcbLevels[0];
    if (top === undefined) fail('DCAP_TCB_NO_MATCH', `TDX module identity ${id} has no TCB level`);
    moduleFloor = top.isvSvn;
  }
  if (svn(0) >= moduleFloor && svn(2) >= (tdx[2] ?? 0)) {
    return CONFIG_NEEDED.has(sgxStatus) || CONFIG_NEEDED.has(tdxStatus)
      ? 'TDRelaunchAdvisedConfigurationNeeded'
      : 'TDRelaunchAdvised';
  }
  return tdxStatus;
}

/** First ISV level with isvsvn <= svn (QE Identity, TDX module identity). */
export function selectIsvLevel(levels: readonly IsvTcbLevel[], svn: number): IsvTcbLevel | undefined {
  return levels.find((l) => l.isvSvn <= svn);
}

export interface TdxModuleResult {
  /** undefined when the module is identified by `tdxModule` (major version 0) and has no TCB levels. */
  level: IsvTcbLevel | undefined;
}

function maskedEqual(value: Uint8Array, maskHex: string, wantHex: string): boolean {
  const mask = Buffer.from(maskHex, 'hex');
  const want = Buffer.from(wantHex, 'hex');
  for (let i = 0; i < value.length; i++)
    if (((value[i] as number) & (mask[i] as number)) !== want[i]) return false;
  return true;
}

/**
 * TdxModuleCheck: MRSIGNERSEAM and SEAMATTRIBUTES against `tdxModule` (major version 0) or the
 * `tdxModuleIdentities` entry `TDX_%02X` of TEE_TCB_SVN[1]; module TCB level by TEE_TCB_SVN[0].
 */
export function checkTdxModule(info: TcbInfo, td: TdReportBody): TdxModuleResult {
  const major = td.teeTcbSvn[1] as number;
  if (major === 0) {
    const m = info.tdxModule;
    if (m === undefined) fail('DCAP_TDX_MODULE_MISMATCH', 'TCB Info has no tdxModule');
    if (toHex(td.mrSignerSeam) !== m.mrSigner.toLowerCase())
      fail('DCAP_TDX_MODULE_MISMATCH', 'MRSIGNERSEAM differs from tdxModule.mrsigner');
    if (!maskedEqual(td.seamAttributes, m.attributesMask, m.attributes))
      fail('DCAP_TDX_MODULE_MISMATCH', 'SEAMATTRIBUTES differ from tdxModule');
    return { level: undefined };
  }
  const id = `TDX_${major.toString(16).toUpperCase().padStart(2, '0')}`;
  const ident = info.tdxModuleIdentities.find((x) => x.id.toUpperCase() === id);
  if (ident === undefined) fail('DCAP_TDX_MODULE_MISMATCH', `TCB Info has no TDX module identity ${id}`);
  if (toHex(td.mrSignerSeam) !== ident.mrSigner.toLowerCase())
    fail('DCAP_TDX_MODULE_MISMATCH', `MRSIGNERSEAM differs from ${id}`);
  if (!maskedEqual(td.seamAttributes, ident.attributesMask, ident.attributes))
    fail('DCAP_TDX_MODULE_MISMATCH', `SEAMATTRIBUTES differ from ${id}`);
  const level = selectIsvLevel(ident.tcbLevels, td.teeTcbSvn[0] as number);
  if (level === undefined)
    fail('DCAP_TCB_NO_MATCH', `no ${id} TCB level matches module SVN ${td.teeTcbSvn[0]}`);
  return { level };
}

/**
 * Convergence of the platform status with a component status (TDX module or QE), QuoteVerifier.cpp
 * `convergeTcbStatusWith…`: an OutOfDate component turns UpToDate / SWHardeningNeeded into OutOfDate and
 * Configuration* into OutOfDateConfigurationNeeded; a Revoked component wins.
 */
export function converge(platform: TcbStatus, component: TcbStatus | undefined): TcbStatus {
  if (component === 'OutOfDate') {
    if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
    if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded')
      return 'OutOfDateConfigurationNeeded';
  }
  if (component === 'Revoked') return 'Revoked';
  return platform;
}

import { describe, expect, it } from 'vitest';
import type { TcbInfo, TcbStatus } from '#attestation/dcap/index.js';
import {
  converge,
  matchTcbLevels,
  tdRelaunchStatus,
  tdxTcbHigherOrEqual,
  checkTdxModule,
} from '#attestation/dcap/tcb-level.js';
import type { PckExtensions } from '#attestation/dcap/pck-extensions.js';
import type { TdReportBody } from '#attestation/tdx/td-report-body.js';

/** Intel QVL TCB rules on synthetic TCB Info (TcbLevelCheck.cpp, TdxModuleCheck.cpp, TDRelaunchCheck.cpp). */
const svn16 = (...head: number[]): number[] => [...head, ...new Array<number>(16 - head.length).fill(0)];
const bytes16 = (...head: number[]): Uint8Array => Uint8Array.from(svn16(...head));
const level = (sgx: number[], pce: number, tdx: number[], status: TcbStatus, advisoryIds: string[] = []) => ({
  sgxComponents: sgx,
  pceSvn: pce,
  tdxComponents: tdx,
  tcbDate: '2025-01-01T00:00:00Z',
  tcbStatus: status,
  advisoryIds,
});
const ZERO48 = '00'.repeat(48);

function info(): TcbInfo {
  return {
    id: 'TDX',
    version: 3,
    issueDate: new Date(0),
    nextUpdate: new Date(1e13),
    fmspc: '00806f050000',
    pceId: '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    tdxModule: { mrSigner: ZERO48, attributes: '0000000000000000', attributesMask: 'ffffffffffffffff' },
    tdxModuleIdentities: [
      {
        id: 'TDX_01',
        mrSigner: ZERO48,
        attributes: '0000000000000000',
        attributesMask: 'ffffffffffffffff',
        tcbLevels: [
          { isvSvn: 4, tcbDate: '', tcbStatus: 'UpToDate', advisoryIds: [] },
          { isvSvn: 2, tcbDate: '', tcbStatus: 'OutOfDate', advisoryIds: ['INTEL-SA-01'] },
        ],
      },
    ],
    tcbLevels: [
      level(svn16(2, 2), 11, svn16(5, 0, 3), 'UpToDate'),
      level(svn16(2, 2), 11, svn16(3, 0, 2), 'OutOfDate', ['INTEL-SA-02']),
      level(svn16(1, 1), 5, svn16(0, 0, 0), 'OutOfDate', ['INTEL-SA-03']),
    ],
  };
}
const pck = (comp: number[], pceSvn: number): PckExtensions => ({
  compSvn: comp,
  pceSvn,
  cpuSvn: new Uint8Array(16),
  pceId: '0000',
  fmspc: '00806f050000',
  sgxType: 0,
});
const td = (teeTcbSvn: Uint8Array, teeTcbSvn2?: Uint8Array): TdReportBody => ({
  tdReportVersion: teeTcbSvn2 === undefined ? '1.0' : '1.5',
  teeTcbSvn,
  mrSeam: new Uint8Array(48),
  mrSignerSeam: new Uint8Array(48),
  seamAttributes: new Uint8Array(8),
  tdAttributes: new Uint8Array(8),
  xfam: new Uint8Array(8),
  mrTd: new Uint8Array(48),
  mrConfigId: new Uint8Array(48),
  mrOwner: new Uint8Array(48),
  mrOwnerConfig: new Uint8Array(48),
  rtmr: [new Uint8Array(48), new Uint8Array(48), new Uint8Array(48), new Uint8Array(48)],
  reportData: new Uint8Array(64),
  ...(teeTcbSvn2 === undefined ? {} : { teeTcbSvn2, mrServiceTd: new Uint8Array(48) }),
});

describe('TCB level selection (isCpuSvnHigherOrEqual, isTdxTcbHigherOrEqual)', () => {
  it('skips TEE_TCB_SVN bytes 0–1 only when byte 1 > 0', () => {
    expect(tdxTcbHigherOrEqual(bytes16(4, 1, 3), svn16(5, 0, 3))).toBe(true);
    expect(tdxTcbHigherOrEqual(bytes16(4, 0, 3), svn16(5, 0, 3))).toBe(false);
    expect(tdxTcbHigherOrEqual(bytes16(9, 1, 2), svn16(5, 0, 3))).toBe(false);
  });

  it('picks the first SGX level and the first level that also meets the TDX components', () => {
    const m = matchTcbLevels(info(), pck(svn16(2, 2), 11), td(bytes16(3, 0, 2)));
    expect(m.sgx?.tcbStatus).toBe('UpToDate');
    expect(m.tdx?.advisoryIds).toEqual(['INTEL-SA-02']);
    expect(matchTcbLevels(info(), pck(svn16(2, 2), 10), undefined).sgx?.advisoryIds).toEqual(['INTEL-SA-03']);
    expect(matchTcbLevels(info(), pck(svn16(0, 9), 99), undefined).sgx).toBeUndefined();
  });
});

describe('TDX module identity and convergence', () => {
  it('uses TDX_%02X of TEE_TCB_SVN[1] and its level by TEE_TCB_SVN[0]', () => {
    expect(checkTdxModule(info(), td(bytes16(4, 1))).level?.tcbStatus).toBe('UpToDate');
    expect(checkTdxModule(info(), td(bytes16(3, 1))).level?.tcbStatus).toBe('OutOfDate');
    expect(() => checkTdxModule(info(), td(bytes16(1, 1)))).toThrowError(
      expect.objectContaining({ code: 'DCAP_TCB_NO_MATCH' }),
    );
    expect(() => checkTdxModule(info(), td(bytes16(4, 2)))).toThrowError(
      expect.objectContaining({ code: 'DCAP_TDX_MODULE_MISMATCH' }),
    );
    expect(checkTdxModule(info(), td(bytes16(4, 0))).level).toBeUndefined();
    const bad = td(bytes16(4, 1));
    bad.mrSignerSeam[0] = 1;
    expect(() => checkTdxModule(info(), bad)).toThrowError(
      expect.objectContaining({ code: 'DCAP_TDX_MODULE_MISMATCH' }),
    );
  });

  it('converges as convergeTcbStatusWith{TdxModule,Qe}Status', () => {
    expect(converge('UpToDate', 'OutOfDate')).toBe('OutOfDate');
    expect(converge('SWHardeningNeeded', 'OutOfDate')).toBe('OutOfDate');
    expect(converge('ConfigurationNeeded', 'OutOfDate')).toBe('OutOfDateConfigurationNeeded');
    expect(converge('ConfigurationAndSWHardeningNeeded', 'OutOfDate')).toBe('OutOfDateConfigurationNeeded');
    expect(converge('OutOfDate', 'OutOfDate')).toBe('OutOfDate');
    expect(converge('UpToDate', 'Revoked')).toBe('Revoked');
    expect(converge('SWHardeningNeeded', 'UpToDate')).toBe('SWHardeningNeeded');
    expect(converge('ConfigurationNeeded', undefined)).toBe('ConfigurationNeeded');
  });
});

describe('TD relaunch (TD report 1.5)', () => {
  it('advises a relaunch when only the module under the TD is out of date and TEE_TCB_SVN2 meets the newest level', () => {
    expect(tdRelaunchStatus(bytes16(4, 1, 3), info(), 'UpToDate', 'OutOfDate', 'OutOfDate', 'UpToDate')).toBe(
      'TDRelaunchAdvised',
    );
    expect(
      tdRelaunchStatus(bytes16(4, 1, 3), info(), 'ConfigurationNeeded', 'OutOfDate', 'OutOfDate', 'UpToDate'),
    ).toBe('TDRelaunchAdvisedConfigurationNeeded');
    expect(
      tdRelaunchStatus(
        bytes16(5, 0, 3),
        info(),
        'UpToDate',
        'OutOfDateConfigurationNeeded',
        'OutOfDate',
        undefined,
      ),
    ).toBe('TDRelaunchAdvisedConfigurationNeeded');
  });

  it('keeps the status otherwise', () => {
    expect(tdRelaunchStatus(bytes16(3, 1, 3), info(), 'UpToDate', 'OutOfDate', 'OutOfDate', 'UpToDate')).toBe(
      'OutOfDate',
    );
    expect(tdRelaunchStatus(bytes16(4, 1, 2), info(), 'UpToDate', 'OutOfDate', 'OutOfDate', 'UpToDate')).toBe(
      'OutOfDate',
    );
    expect(tdRelaunchStatus(bytes16(4, 1, 3), info(), 'UpToDate', 'OutOfDate', 'UpToDate', 'UpToDate')).toBe(
      'OutOfDate',
    );
    expect(
      tdRelaunchStatus(bytes16(4, 1, 3), info(), 'OutOfDate', 'OutOfDate', 'OutOfDate', 'UpToDate'),
    ).toBe('OutOfDate');
    expect(
      tdRelaunchStatus(bytes16(4, 1, 3), info(), 'UpToDate', 'OutOfDate', 'OutOfDate', 'OutOfDate'),
    ).toBe('OutOfDate');
    expect(tdRelaunchStatus(bytes16(4, 1, 3), info(), 'UpToDate', 'UpToDate', 'OutOfDate', 'UpToDate')).toBe(
      'UpToDate',
    );
    expect(() =>
      tdRelaunchStatus(bytes16(4, 7, 3), info(), 'UpToDate', 'OutOfDate', 'OutOfDate', 'UpToDate'),
    ).toThrowError(expect.objectContaining({ code: 'DCAP_TDX_MODULE_MISMATCH' }));
  });
});

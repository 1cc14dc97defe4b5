import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type AuditLogErrorCode, type ErrorCode } from '#core/error-codes.js';
import {
  errorCodesPath,
  errorsDocPath,
  parseErrorsDoc,
  REGENERATE_COMMAND,
  renderErrorCodes,
  sectionTypeName,
} from '#core/error-codes-gen.js';
import { AegisError, fail, isAegisError, isErrorCode, toAegisError } from '#core/errors.js';

const doc = (): string => readFileSync(errorsDocPath(), 'utf8');

describe('src/core/error-codes.ts', () => {
  it(`is up to date with docs/errors.md (regenerate: ${REGENERATE_COMMAND})`, () => {
    expect(readFileSync(errorCodesPath(), 'utf8')).toBe(renderErrorCodes(parseErrorsDoc(doc())));
  });

  it('ERROR_CODES holds exactly the backticked codes of the docs tables', () => {
    const listed = new Set(
      [...doc().matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1] as string),
    );
    expect([...ERROR_CODES].sort()).toEqual([...listed].sort());
  });

  it('names each section type after its title and lists a shared code in each of its sections', () => {
    expect(sectionTypeName('Audit log')).toBe('AuditLogErrorCode');
    expect(sectionTypeName('TEE attestation: AMD revocation')).toBe('TeeAttestationAmdRevocationErrorCode');
    const parsed = parseErrorsDoc(
      [
        '## Alpha one (src/a)',
        '',
        '| code | meaning | remedy |',
        '|---|---|---|',
        '| `A_X` | m | r |',
        '| `SHARED` | m | r |',
        '| `A_X` | again | r |',
        '',
        '## Beta',
        '| `SHARED` | m | r |',
      ].join('\n'),
    );
    expect(parsed.sections.map((s) => [s.typeName, s.paths, s.codes])).toEqual([
      ['AlphaOneErrorCode', 'src/a', ['A_X', 'SHARED']],
      ['BetaErrorCode', undefined, ['SHARED']],
    ]);
    expect([...parsed.shared]).toEqual([['SHARED', ['AlphaOneErrorCode', 'BetaErrorCode']]]);
    expect([...parsed.repeated]).toEqual([['A_X', 'Alpha one']]);
    const out = renderErrorCodes(parsed);
    expect(out).toContain("export type BetaErrorCode = 'SHARED';");
    expect(out.match(/^ {2}'SHARED',$/gm)).toHaveLength(1);
  });

  it('refuses a doc it cannot turn into types', () => {
    expect(() => parseErrorsDoc('## Sec\n| `lower_case` | m | r |')).toThrow(/not a SCREAMING_SNAKE code/);
    expect(() => parseErrorsDoc('| `EARLY` | m | r |')).toThrow(/before any ## section/);
    expect(() => parseErrorsDoc('## Audit log\n| `A` | m | r |\n## Audit-log (x)\n| `B` | m | r |')).toThrow(
      /both give AuditLogErrorCode/,
    );
  });

  it('types fail(), new AegisError(), isAegisError() and toAegisError() by the documented codes', () => {
    const area: AuditLogErrorCode = 'AUDIT_LOCKED';
    const code: ErrorCode = area;
    expect(() => fail(code, 'm')).toThrow(AegisError);
    expect(isAegisError(new AegisError('AUDIT_LOCKED', 'm'), 'AUDIT_LOCKED')).toBe(true);
    expect(toAegisError(new Error('x'), 'DAEMON_BAD_ANSWER').code).toBe('DAEMON_BAD_ANSWER');
    // @ts-expect-error an undocumented code does not compile
    expect(() => fail('NOT_A_DOCUMENTED_CODE', 'm')).toThrow(AegisError);
    // @ts-expect-error a code of another area is not an AuditLogErrorCode
    const wrongArea: AuditLogErrorCode = 'TPM_RC_LOCKOUT';
    expect(wrongArea).toBe('TPM_RC_LOCKOUT');
  });

  it('isErrorCode accepts documented codes only (for codes arriving at run time)', () => {
    expect(isErrorCode('INTERNAL_ERROR')).toBe(true);
    expect(isErrorCode('NOT_A_DOCUMENTED_CODE')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

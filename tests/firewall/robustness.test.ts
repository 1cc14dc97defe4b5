import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CWD, firewall } from './helpers.js';

const VERDICTS = ['ALLOW', 'BLOCK', 'REQUIRE_APPROVAL'];

describe('bad input never crashes the engine', () => {
  const fw = firewall();
  it('arbitrary shell text always yields a decision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (command) => {
        const d = await fw.evaluate({ tool: 'Bash', input: { command }, cwd: CWD });
        expect(VERDICTS).toContain(d.decision);
      }),
      { numRuns: 300 },
    );
  });
  it('shell-looking fragments in random order always yield a decision', async () => {
    const frag = fc.constantFrom(
      'rm',
      '-rf',
      '/',
      '"',
      "'",
      '$(',
      ')',
      '`',
      '|',
      '&&',
      ';',
      '<<EOF\n',
      '\nEOF',
      'bash -c',
      'eval',
      '~',
      '$HOME',
      '{',
      '}',
      '(',
      '\\',
      'sudo',
      'find',
      '-exec',
      '\\;',
      'python -c',
      'x',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frag, { maxLength: 25 }), async (parts) => {
        const d = await fw.evaluate({ tool: 'Bash', input: { command: parts.join(' ') }, cwd: CWD });
        expect(VERDICTS).toContain(d.decision);
      }),
      { numRuns: 300 },
    );
  });
  it('arbitrary JSON input for any tool name yields a decision', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Bash', 'Read', 'Write', 'Edit', 'WebFetch', 'mcp__a__b', 'exec', 'Weird'),
        fc.jsonValue(),
        async (tool, v) => {
          const input =
            v !== null && typeof v === 'object' && !Array.isArray(v)
              ? (v as Record<string, unknown>)
              : { value: v };
          const d = await fw.evaluate({ tool, input, cwd: CWD });
          expect(VERDICTS).toContain(d.decision);
        },
      ),
      { numRuns: 200 },
    );
  });
});

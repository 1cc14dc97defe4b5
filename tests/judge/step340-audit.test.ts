import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/audit.js';

/**
 * Issue 7: the judge is step 340; without a device the FPGA judge answers with the CPU reference (identical
 * outputs) and the audit record says which engine ran, with the model hash.
 */
async function judged(judge: string): Promise<Record<string, unknown> | undefined> {
  const env = { AEGIS_HOME: tempDir(), AEGIS_JUDGE: judge };
  expect((await runCli(['audit-key', 'init'], env)).code).toBe(0);
  const r = await runCli(
    [
      'evaluate',
      '--tool',
      'Write',
      '--input',
      '{"file_path":"/home/user/project/notes.md","content":"hello"}',
      '--cwd',
      '/home/user/project',
      '--json',
    ],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  const lines = readFileSync(join(env.AEGIS_HOME, 'log', 'audit-00000000.jsonl'), 'utf8')
    .trimEnd()
    .split('\n');
  const rec = JSON.parse(lines[1] as string) as { kind: string; data: Record<string, unknown> };
  expect(rec.kind).toBe('decision');
  expect((await runCli(['verify-audit'], env)).code).toBe(0);
  // The judge's fields sit flat in data (docs/formats.md "Decision record"); none when no judge ran.
  const fields = Object.fromEntries(Object.entries(rec.data).filter(([k]) => k.startsWith('judge_')));
  return Object.keys(fields).length === 0 ? undefined : fields;
}

describe('step 340 judge in the audit record', () => {
  it('records fpga on the simulated board, cpu with FPGA_NO_DEVICE without one, and nothing when off', async () => {
    const sim = await judged('fpga:sim');
    const none = await judged('fpga');
    const cpu = await judged('cpu');
    expect(sim).toMatchObject({ judge_engine: 'fpga', judge_device: 'sim' });
    expect(none).toMatchObject({ judge_engine: 'cpu', judge_fallback: 'FPGA_NO_DEVICE' });
    expect(cpu).toMatchObject({ judge_engine: 'cpu' });
    for (const j of [sim, none, cpu]) expect(j?.['judge_model_hash']).toMatch(/^[0-9a-f]{64}$/);
    // Identical outputs whichever engine ran.
    expect(
      new Set(
        [sim, none, cpu].map((j) => `${String(j?.['judge_verdict'])}/${String(j?.['judge_confidence'])}`),
      ).size,
    ).toBe(1);
    expect(await judged('off')).toBeUndefined();
  });
});

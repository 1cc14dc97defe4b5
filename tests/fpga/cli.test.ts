import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { haveCommand, repoRoot } from '../helpers/fixtures.js';

describe('aegis fpga', () => {
  it('bench --device sim --json prints every figure the issue names, 100% agreement, deterministic', async () => {
    const r = await runCli([
      'fpga',
      'bench',
      '--device',
      'sim',
      '--lanes',
      '16',
      '--n',
      '4',
      '--clock-mhz',
      '50',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of [
      'device',
      'lanes',
      'clock_mhz',
      'cycles_per_inference',
      'device_latency_us',
      'transport_us',
      'end_to_end_us',
      'throughput_per_s',
      'deterministic',
      'agreement',
      'model_hash',
    ])
      expect(j).toHaveProperty(k);
    expect(j['device']).toBe('sim');
    expect(j['lanes']).toBe(16);
    expect(j['agreement']).toBe(1);
    expect(j['deterministic']).toBe(true);
    expect(j['device_latency_us']).toBeCloseTo((j['cycles_per_inference'] as number) / 50, 3);
  });

  it('rejects a bad device, bad lanes and a bad simulator with exit 2 and a stable code', async () => {
    const a = await runCli(['fpga', 'bench', '--device', 'usb', '--n', '1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('FPGA_USAGE');
    const b = await runCli(['fpga', 'bench', '--lanes', '0', '--json']);
    expect(b.code).toBe(2);
    expect(JSON.parse(b.stdout)).toMatchObject({ ok: false, errors: [{ code: 'FPGA_USAGE' }] });
    const c = await runCli(['fpga', 'cosim', '--sim', 'modelsim']);
    expect(c.code).toBe(2);
    const d = await runCli(['fpga', 'bench', '--model', '/nonexistent/model.ajn']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('FILE_NOT_FOUND');
  });

  it('has help for every verb', async () => {
    for (const v of ['bench', 'cosim', 'synth']) {
      const r = await runCli(['fpga', v, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--json');
    }
  });
});

describe.skipIf(!haveCommand('iverilog'))('aegis fpga cosim', () => {
  it('passes (exit 0) on the shipped RTL and exits 1 with cycle, signal and both values on a mismatch', async () => {
    const h8 = join(repoRoot, 'fpga', 'model', 'judgenet-h8.ajn');
    const ok = await runCli([
      'fpga',
      'cosim',
      '--sim',
      'iverilog',
      '--lanes',
      '32',
      '--n',
      '2',
      '--model',
      h8,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('2/2 bit-exact');
    const bad = await runCli([
      'fpga',
      'cosim',
      '--sim',
      'iverilog',
      '--lanes',
      '32',
      '--n',
      '2',
      '--model',
      h8,
      '--rtl-model',
      join(repoRoot, 'fpga', 'model', 'judgenet-h4.ajn'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/MISMATCH at inference 0, cycle \d+, signal \S+/);
    expect(bad.stdout).toMatch(/rtl: .*\n\s+model: /);
  });
});

import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/audit.js';

/** The main job end to end: `aegis demo --json` through the real shim, daemon, swtpm (when installed) and simulated TDX. */
describe('aegis demo', () => {
  it('every decision as expected; the log and the evidence verify', () => {
    const r = spawnCli(['demo', '--json', '--home', tempDir('aegis-demo-test-')]);
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      rows: Array<{ title: string; seen: string; ok: boolean }>;
      audit: { ok: boolean; hardware: { bound: boolean } };
      bundle: { ok: boolean };
    };
    expect(out.rows.filter((x) => !x.ok)).toEqual([]);
    const seen = Object.fromEntries(out.rows.map((x) => [x.title, x.seen]));
    expect(seen['destructive command']).toBe('deny');
    expect(seen['injection in fetched content']).toBe('flag');
    expect(seen['build (3rd: a loop)']).toBe('ask');
    expect(seen['build after approval']).toBe('allow');
    expect(out.audit.ok).toBe(true);
    expect(out.audit.hardware.bound).toBe(true);
    expect(out.bundle.ok).toBe(true);
    expect(out.ok).toBe(true);
  });
});

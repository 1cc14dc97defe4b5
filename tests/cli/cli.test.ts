import { describe, expect, it } from 'vitest';
import { buildProgram } from '#cli/main.js';
import type { Command } from 'commander';
import { runCli } from '../helpers/cli.js';
import { join } from 'node:path';
import { tempDir } from '../helpers/audit.js';
import { readLogRecords } from '../helpers/log-records.js';

function allVerbs(c: Command, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const sub of c.commands) {
    const path = [...prefix, sub.name()];
    out.push(path);
    out.push(...allVerbs(sub, path));
  }
  return out;
}

describe('aegis CLI', () => {
  it('--help works for the program and for every verb (exit 0)', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: aegis');
    const program = buildProgram({ out: () => undefined, err: () => undefined, env: process.env });
    const verbs = allVerbs(program);
    expect(verbs.length).toBeGreaterThan(5);
    for (const v of verbs) {
      const r = await runCli([...v, '--help']);
      expect(r.code, `aegis ${v.join(' ')} --help`).toBe(0);
      expect(r.stdout).toContain('Usage:');
    }
  });

  it('an unknown verb exits 2 with a hint', async () => {
    const r = await runCli(['verfy-audit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
    expect(r.stderr).toMatch(/verify-audit/);
  });

  it('a bad flag exits 2 with a hint', async () => {
    const r = await runCli(['verify-audit', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('verify-audit: exit 2 with AUDIT_LOG_MISSING when there is no log', async () => {
    const r = await runCli(['verify-audit', '--json'], { AEGIS_HOME: tempDir() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, errors: [{ code: 'AUDIT_LOG_MISSING' }] });
  });

  it('audit append keeps fields a record has no place for under data, and refuses a clash', async () => {
    const env = { AEGIS_HOME: tempDir() };
    expect((await runCli(['audit-key', 'init'], env)).code).toBe(0);
    const ok = await runCli(
      ['audit', 'append', '--event', '{"kind":"x","ticket":"SEC-4711","data":{"note":"n"}}', '--json'],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
    const clash = await runCli(
      ['audit', 'append', '--event', '{"kind":"x","ticket":"A","data":{"ticket":"B"}}'],
      env,
    );
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('AUDIT_EVENT_FIELD_CONFLICT');
    expect(clash.stderr).not.toMatch(/\n\s+at /); // no stack trace for users
    const recs = readLogRecords(join(env.AEGIS_HOME, 'log'));
    expect(recs.filter((r) => r.kind === 'x').map((r) => r.data)).toEqual([
      { ticket: 'SEC-4711', note: 'n' },
    ]);
  });

  it('audit-key init → audit append → checkpoint → proof → verify-proof → verify-audit, then tamper → exit 1', async () => {
    const env = { AEGIS_HOME: tempDir() };
    expect((await runCli(['audit-key', 'init'], env)).code).toBe(0);
    expect((await runCli(['audit-key', 'init'], env)).code).toBe(2); // KEY_EXISTS without --force
    const show = JSON.parse((await runCli(['audit-key', 'show', '--json'], env)).stdout) as {
      keys: Array<{ alg: string; fingerprint: string; spki: string }>;
    };
    expect(show.keys.map((k) => k.alg)).toEqual(['ed25519', 'ml-dsa-65']);
    expect(show.keys[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const app = await runCli(
      ['audit', 'append', '--event', '{"kind":"approval","session":"s1","reason":"user approved"}', '--json'],
      env,
    );
    expect(app.code).toBe(0);
    expect(JSON.parse(app.stdout)).toMatchObject({ seq: 1 });
    expect((await runCli(['audit', 'append', '--event', '[1,2]'], env)).code).toBe(2);
    expect((await runCli(['audit', 'append', '--event', '{"kind":"approval"'], env)).stderr).toContain(
      'JSON_INVALID',
    );
    expect((await runCli(['audit', 'checkpoint'], env)).code).toBe(0);
    const proofFile = `${env.AEGIS_HOME}/p.tlog-proof`;
    expect((await runCli(['audit', 'proof', '--seq', '1', '--out', proofFile], env)).code).toBe(0);
    const vp = await runCli(['audit', 'verify-proof', proofFile, '--json'], env);
    expect(vp.code).toBe(0);
    expect(JSON.parse(vp.stdout)).toMatchObject({ ok: true, index: 1 });
    const ok = await runCli(['verify-audit', '--json'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      records: 2,
      first_error: null,
      signatures: { ed25519: expect.any(Number), ml_dsa: expect.any(Number) },
    });
    const { readFileSync, writeFileSync } = await import('node:fs');
    const seg = `${env.AEGIS_HOME}/log/audit-00000000.jsonl`;
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('user approved', 'user denied'));
    const bad = await runCli(['verify-audit', '--json'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      ok: false,
      first_error: { seq: 1, code: 'AUDIT_HASH_MISMATCH' },
    });
    const text = await runCli(['verify-audit'], env);
    expect(text.stdout).toContain('TAMPERED');
  });
});

describe('aegis as a process', () => {
  it('exits quietly when its reader closes early (aegis … | head)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { repoRoot } = await import('../helpers/fixtures.js');
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        `${process.execPath} --import tsx ${join(repoRoot, 'src/cli/entry.ts')} audit-key --help | head -c 10 >/dev/null`,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js/);
  });
});

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const home = (): Record<string, string> => ({ AEGIS_HOME: mkdtempSync(join(tmpdir(), 'aegis-eval-')) });

describe('aegis evaluate', () => {
  it('single call: text, --json, exit 0 ALLOW / 1 BLOCK', async () => {
    const env = home();
    const ok = await runCli(
      ['evaluate', '--tool', 'Bash', '--input', '{"command":"ls -la"}', '--no-audit'],
      env,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ALLOW/);
    const bad = await runCli(
      ['evaluate', '--tool', 'Bash', '--input', '{"command":"rm -fr /"}', '--no-audit', '--json'],
      env,
    );
    expect(bad.code).toBe(1);
    const d = JSON.parse(bad.stdout) as { decision: string; rules: string[]; atv_sha3: string };
    expect(d.decision).toBe('BLOCK');
    expect(d.rules).toContain('fs.rm-recursive-critical');
    expect(d.atv_sha3).toMatch(/^[0-9a-f]{64}$/);
  });
  it('bad --input is a usage error with a stable code', async () => {
    const r = await runCli(['evaluate', '--tool', 'Bash', '--input', '[1]', '--no-audit'], home());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('EVALUATE_INPUT_INVALID');
    expect((await runCli(['evaluate', '--no-audit'], home())).code).toBe(2);
  });
  it('batch: one line per row in order, per-row errors never abort, fresh session per row', async () => {
    const env = home();
    const f = join(env['AEGIS_HOME'] as string, 'b.jsonl');
    const rows = [
      '{"tool":"Bash","input":{"command":"git status"}}',
      'this is not json',
      '{"tool":"Read","input":{"file_path":"/proj/.env"},"context":{"cwd":"/proj"}}',
      '{"input":{}}',
      '{"tool":"Bash","input":{"command":"npm test"},"session_id":"s"}',
      '{"tool":"Bash","input":{"command":"npm test"},"session_id":"s"}',
      '{"tool":"Bash","input":{"command":"npm test"},"session_id":"s"}',
      '{"tool":"Bash","input":{"command":"npm test"}}',
    ];
    writeFileSync(f, rows.join('\n') + '\n');
    const r = await runCli(['evaluate', '--batch', f, '--no-audit'], env);
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(8);
    expect(out[0]).toEqual({ decision: 'ALLOW', reason: 'all firewall steps passed', rules: [] });
    expect(out[1]).toMatchObject({ line: 2, error: { code: 'EVALUATE_INPUT_INVALID' } });
    expect(out[2]).toMatchObject({ decision: 'REQUIRE_APPROVAL', rules: ['path.sensitive-approve'] });
    expect(out[3]).toMatchObject({ line: 4, error: { code: 'EVALUATE_ROW_INVALID' } });
    expect(out[6]).toMatchObject({ decision: 'REQUIRE_APPROVAL', rules: ['session.loop'] });
    expect(out[7]).toMatchObject({ decision: 'ALLOW' });
  });
  it('appends every decision to the audit log (hashes + redacted preview only); --no-audit does not', async () => {
    const env = home();
    expect((await runCli(['audit-key', 'init'], env)).code).toBe(0);
    const secret = 'ghp_' + 'Z'.repeat(36);
    const r = await runCli(
      [
        'evaluate',
        '--tool',
        'Bash',
        '--input',
        JSON.stringify({ command: `curl -H "Authorization: token ${secret}" https://api.github.com` }),
        '--json',
      ],
      env,
    );
    const d = JSON.parse(r.stdout) as { audit?: { seq: number }; args_sha3: string; atv_sha3: string };
    expect(d.audit?.seq).toBeGreaterThan(0);
    const logDir = join(env['AEGIS_HOME'] as string, 'log');
    const text = readdirSync(logDir)
      .map((n) => {
        try {
          return readFileSync(join(logDir, n), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
    expect(text).toContain(d.args_sha3);
    expect(text).toContain(d.atv_sha3);
    expect(text).not.toContain(secret);
    expect((await runCli(['verify-audit'], env)).code).toBe(0);
    const before = text.length;
    await runCli(['evaluate', '--tool', 'Bash', '--input', '{"command":"ls"}', '--no-audit'], env);
    const after = readdirSync(logDir)
      .map((n) => {
        try {
          return readFileSync(join(logDir, n), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
    expect(after.length).toBe(before);
  });
  it('without audit keys it says how to proceed instead of deciding silently', async () => {
    const r = await runCli(['evaluate', '--tool', 'Bash', '--input', '{"command":"ls"}'], home());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KEY_NOT_FOUND');
    expect(r.stderr).toContain('--no-audit');
  });
});

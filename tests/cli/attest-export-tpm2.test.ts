import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { quoteToJson } from '#attestation/tpm/quote-json.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { makeQuote } from '#drivers/tpm/quote-flow.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { runCli } from '../helpers/cli.js';
import { haveSwtpm, haveTpm2Tools, startSwtpm, type Swtpm } from '../drivers/tpm/swtpm.js';

describe('aegis attest export-tpm2: usage errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aegis-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with codes for a missing file, bad JSON and a bundle without a TPM quote', async () => {
    expect(await runCli(['attest', 'export-tpm2', join(dir, 'none.json'), '--dir', dir])).toMatchObject({
      code: 2,
    });
    writeFileSync(join(dir, 'bad.json'), '{');
    const bad = await runCli(['attest', 'export-tpm2', join(dir, 'bad.json'), '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('JSON_INVALID');
    writeFileSync(join(dir, 'notpm.json'), '{"tpm": null}');
    expect((await runCli(['attest', 'export-tpm2', join(dir, 'notpm.json'), '--dir', dir])).stderr).toContain(
      'TPM_QUOTE_JSON_INVALID',
    );
    writeFileSync(join(dir, 'empty.json'), '{"tee": {}}');
    const r = await runCli(['attest', 'export-tpm2', join(dir, 'empty.json'), '--dir', dir, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, errors: [{ code: 'TPM_QUOTE_JSON_INVALID' }] });
    const help = await runCli(['attest', 'export-tpm2', '--help']);
    expect(help.stdout).toContain('tpm2_checkquote');
  });
});

describe.skipIf(!(haveSwtpm() && haveTpm2Tools()))('aegis attest export-tpm2 with a real swtpm quote', () => {
  let sw: Swtpm;
  let dir: string;
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    dir = mkdtempSync(join(tmpdir(), 'aegis-export-'));
  });
  afterAll(async () => {
    await sw?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes files that tpm2_checkquote accepts', async () => {
    const tpm = new Tpm2(await openTpmTransport(sw.spec));
    const nonce = new Uint8Array(32).fill(0x5a);
    const quote = await makeQuote(tpm, {
      pcrs: [{ hash: TPM_ALG.SHA256, pcrs: [0, 7] }],
      qualifyingData: nonce,
    }).finally(() => tpm.close());
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ tpm: quoteToJson(quote) }));
    writeFileSync(
      join(dir, 'evidence.json'),
      JSON.stringify({ format: 'x', tpm: { simulated: true, quote: quoteToJson(quote) } }),
    );
    const e = await runCli(['attest', 'export-tpm2', join(dir, 'evidence.json'), '--dir', join(dir, 'out2')]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain('tpm2_checkquote');
    const out = join(dir, 'out');
    const r = await runCli(['attest', 'export-tpm2', join(dir, 'bundle.json'), '--dir', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { files: string[]; command: string };
    expect(res.files).toContain('quote.msg');
    expect(res.command).toContain(`-q ${'5a'.repeat(32)}`);
    for (const f of res.files) expect(existsSync(join(out, f))).toBe(true);
    const check = spawnSync('sh', [join(out, 'checkquote.sh')], { encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});

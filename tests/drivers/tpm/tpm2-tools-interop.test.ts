import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuoteAttest } from '#attestation/tpm/attest.js';
import { TPM_ALG } from '#attestation/tpm/constants.js';
import { parsePublic2b } from '#attestation/tpm/public.js';
import { serializePcrs, tpm2CheckquoteFiles } from '#attestation/tpm/tpm2-tools-files.js';
import { verifyQuote, type TpmQuote } from '#attestation/tpm/verify-quote.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { makeQuote } from '#drivers/tpm/quote-flow.js';
import { createEk } from '#drivers/tpm/credential-flow.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { haveSwtpm, haveTpm2Tools, startSwtpm, type Swtpm } from './swtpm.js';

const enabled = haveSwtpm() && haveTpm2Tools();

/** Our quotes checked by tpm2_checkquote, and tpm2-tools quotes checked by us (tpm2-tools 5.x as the peer). */
describe.skipIf(!enabled)('interop with tpm2-tools', () => {
  let sw: Swtpm;
  let dir: string;
  beforeAll(async () => {
    sw = await startSwtpm('tcp');
    dir = mkdtempSync(join(tmpdir(), 'aegis-tpm2tools-'));
  });
  afterAll(async () => {
    await sw?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function tool(args: string[]): { code: number; out: string } {
    const [cmd, ...rest] = args;
    const r = spawnSync(cmd as string, rest, {
      cwd: dir,
      env: { ...process.env, TPM2TOOLS_TCTI: sw.tcti },
      encoding: 'utf8',
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  /** No resource manager in front of swtpm: flush transient objects and sessions after each tool. */
  function flushAll(): void {
    for (const f of ['-t', '-l', '-s']) tool(['tpm2_flushcontext', f]);
  }

  async function withOurTpm<T>(fn: (tpm: Tpm2) => Promise<T>): Promise<T> {
    const tpm = new Tpm2(await openTpmTransport(sw.spec)); // swtpm serves one client at a time
    try {
      return await fn(tpm);
    } finally {
      await tpm.close();
    }
  }

  it('our ECC and RSA quotes verify in tpm2_checkquote; a wrong nonce does not', async () => {
    const nonce = Uint8Array.from(Buffer.from('aegis-nonce-0123456789abcdef0123', 'utf8'));
    const pcrs = [
      { hash: TPM_ALG.SHA256, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16] },
      { hash: TPM_ALG.SHA1, pcrs: [0, 7] },
    ];
    const quotes = await withOurTpm(async (tpm) => {
      await tpm.pcrExtend(16, [{ hashAlg: TPM_ALG.SHA256, digest: new Uint8Array(32).fill(7) }]);
      return [
        await makeQuote(tpm, { pcrs, qualifyingData: nonce }),
        await makeQuote(tpm, { pcrs, qualifyingData: nonce, akAlgorithm: 'rsa-2048' }),
      ];
    });
    for (const q of quotes) {
      const out = tpm2CheckquoteFiles(q);
      for (const [name, bytes] of Object.entries(out.files)) writeFileSync(join(dir, name), bytes);
      const ok = tool(['tpm2_checkquote', ...out.args]);
      expect(ok.code, ok.out).toBe(0);
      const qi = out.args.indexOf('-q');
      const bad = [...out.args];
      bad[qi + 1] = '00'.repeat(32);
      expect(tool(['tpm2_checkquote', ...bad]).code).not.toBe(0);
      const pcrFile = readFileSync(join(dir, 'quote.pcrs'));
      pcrFile[142] = (pcrFile[142] as number) ^ 1; // first byte of the first digest
      writeFileSync(join(dir, 'quote.pcrs'), pcrFile);
      expect(tool(['tpm2_checkquote', ...out.args]).code).not.toBe(0);
    }
  });

  it('a quote made by tpm2_createek / tpm2_createak / tpm2_quote verifies in ours', async () => {
    const steps = [
      ['tpm2_createek', '-c', 'ek.ctx', '-G', 'ecc', '-u', 'ek.pub'],
      [
        'tpm2_createak',
        '-C',
        'ek.ctx',
        '-c',
        'ak.ctx',
        '-G',
        'ecc',
        '-g',
        'sha256',
        '-s',
        'ecdsa',
        '-u',
        'ak.pub',
        '-n',
        'ak.name',
      ],
      [
        'tpm2_quote',
        '-c',
        'ak.ctx',
        '-l',
        'sha256:0,1,2,3,16',
        '-q',
        'deadbeefcafe0123',
        '-m',
        'q.msg',
        '-s',
        'q.sig',
        '-o',
        'q.pcrs',
        '-F',
        'values',
        '-g',
        'sha256',
      ],
      'tpm2_quote -c ak.ctx -l sha256:0,1,2,3,16 -q 00 -m q2.msg -s q2.sig -o q2.pcrs -g sha256'.split(' '),
    ];
    for (const s of steps) {
      const r = tool(s);
      expect(r.code, `${s[0]}: ${r.out}`).toBe(0);
      flushAll();
    }
    const attest = new Uint8Array(readFileSync(join(dir, 'q.msg')));
    const raw = new Uint8Array(readFileSync(join(dir, 'q.pcrs')));
    const sel = parseQuoteAttest(attest).pcrSelect;
    const indexes = sel[0]?.pcrs ?? [];
    expect(indexes).toEqual([0, 1, 2, 3, 16]);
    const q: TpmQuote = {
      attest,
      signature: new Uint8Array(readFileSync(join(dir, 'q.sig'))),
      akPublic: parsePublic2b(new Uint8Array(readFileSync(join(dir, 'ak.pub')))),
      pcrValues: indexes.map((index, i) => ({
        hash: TPM_ALG.SHA256,
        index,
        value: raw.subarray(i * 32, i * 32 + 32),
      })),
    };
    const qualifyingData = Uint8Array.from(Buffer.from('deadbeefcafe0123', 'hex'));
    expect(verifyQuote(q, { qualifyingData }).pcrs).toHaveLength(5);
    // our writer of the "serialized" PCR file is byte-identical to tpm2_quote's
    expect(Buffer.from(serializePcrs(sel, q.pcrValues)).equals(readFileSync(join(dir, 'q2.pcrs')))).toBe(
      true,
    );
    expect(() => verifyQuote(q, { qualifyingData: new Uint8Array(8) })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_NONCE_MISMATCH' }),
    );
    // our EK template re-derives exactly the key tpm2_createek made (TCG EK template L-2)
    const ourEk = await withOurTpm(async (tpm) => {
      const ek = await createEk(tpm);
      await tpm.flushContext(ek.handle);
      return ek.public;
    });
    expect(ourEk).toEqual(parsePublic2b(new Uint8Array(readFileSync(join(dir, 'ek.pub')))));
    const ours = await withOurTpm((tpm) =>
      makeQuote(tpm, { pcrs: [{ hash: TPM_ALG.SHA256, pcrs: [0] }], qualifyingData }),
    );
    expect(() => verifyQuote({ ...q, akPublic: ours.akPublic }, { qualifyingData })).toThrow(
      expect.objectContaining({ code: 'TPM_QUOTE_SIGNATURE_INVALID' }),
    );
  });
});

import { fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import { ByteWriter } from '#core/bytes.js';
import { parseQuoteAttest } from './attest.js';
import { HASH_NAME } from './constants.js';
import type { PcrSelection } from './marshal.js';
import { selectPcrValues, type PcrValue } from './pcr-values.js';
import { marshalPublic2b, publicKeyObject } from './public.js';
import { parseSignature } from './signature.js';
import type { TpmQuote } from './verify-quote.js';

/**
 * The files `tpm2_checkquote` (tpm2-tools 5.x) takes, made from a quote (no I/O here; the CLI writes them):
 *   quote.msg   -m  the TPMS_ATTEST the TPM signed
 *   quote.sig   -s  the TPMT_SIGNATURE, TSS (marshalled) format
 *   quote.pcrs  -f  PCR values in tpm2-tools' "serialized" format (see serializePcrs); the "values" format is
 *                   avoided because tpm2_checkquote 5.4 fails on it from 8 PCRs on ("Failed to hash PCR values")
 *   ak.pem      -u  the AK public key, SubjectPublicKeyInfo PEM (ak.pub is the same key as TPM2B_PUBLIC)
 *   checkquote.sh   the exact command line, with -g, -l and -q filled in
 */
export interface Tpm2ToolsFiles {
  files: Record<string, Uint8Array>;
  /** Arguments for tpm2_checkquote, relative to the directory the files are in. */
  args: string[];
}

export function pcrListSpec(sel: readonly PcrSelection[]): string {
  return sel
    .filter((b) => b.pcrs.length > 0)
    .map(
      (b) =>
        `${HASH_NAME[b.hash] ?? fail('TPM_ALG_UNSUPPORTED', 'PCR bank hash is not supported')}:${b.pcrs.join(',')}`,
    )
    .join('+');
}

/**
 * tpm2-tools' "serialized" PCR file (tpm2_quote -F serialized, the default; lib/pcr.c): a little-endian dump of
 * the TSS2 C structures on LP64 hosts, checked byte-for-byte against tpm2_quote output from tpm2-tools 5.4:
 *   TPML_PCR_SELECTION  u32 count ‖ 16 × {u16 hash, u8 sizeofSelect, u8[4] pcrSelect, 1 pad}   = 132 bytes
 *   u32 n               number of TPML_DIGEST that follow
 *   n × TPML_DIGEST     u32 count ‖ 8 × TPM2B_DIGEST {u16 size, u8[64] buffer}                  = 532 bytes each
 * Digests fill the TPML_DIGESTs 8 at a time in selection order (banks in order, PCRs ascending).
 */
export function serializePcrs(sel: readonly PcrSelection[], values: readonly PcrValue[]): Uint8Array {
  if (sel.length > 16) fail('TPM_MARSHAL_INVALID', 'more than 16 PCR banks');
  const w = new ByteWriter().u32le(sel.length);
  for (let i = 0; i < 16; i++) {
    const b = sel[i];
    if (b === undefined) {
      w.zeros(8);
      continue;
    }
    const bitmap = new Uint8Array(4);
    for (const p of b.pcrs) bitmap[p >> 3] = (bitmap[p >> 3] as number) | (1 << (p & 7));
    w.u16le(b.hash).u8(3).bytes(bitmap).u8(0);
  }
  const digests = selectPcrValues(sel, values);
  const lists = Math.ceil(digests.length / 8);
  w.u32le(lists);
  for (let l = 0; l < lists; l++) {
    const chunk = digests.slice(l * 8, l * 8 + 8);
    w.u32le(chunk.length);
    for (let i = 0; i < 8; i++) {
      const d = chunk[i] ?? new Uint8Array(0);
      w.u16le(d.length)
        .bytes(d)
        .zeros(64 - d.length);
    }
  }
  return w.finish();
}

export function tpm2CheckquoteFiles(q: TpmQuote): Tpm2ToolsFiles {
  const attest = parseQuoteAttest(q.attest);
  const sig = parseSignature(q.signature);
  const pcrs = serializePcrs(attest.pcrSelect, q.pcrValues);
  const pem = publicKeyObject(q.akPublic).export({ type: 'spki', format: 'pem' }).toString();
  const hash = HASH_NAME[sig.hash] ?? fail('TPM_ALG_UNSUPPORTED', 'signature hash is not supported');
  const args = ['-u', 'ak.pem', '-m', 'quote.msg', '-s', 'quote.sig', '-f', 'quote.pcrs', '-g', hash];
  if (attest.extraData.length > 0) args.push('-q', toHex(attest.extraData));
  const script = `#!/bin/sh\n# Verify this TPM quote with tpm2-tools (no TPM needed): exit 0 = valid.\ncd "$(dirname "$0")" && exec tpm2_checkquote ${args.join(' ')}\n`;
  return {
    files: {
      'quote.msg': q.attest,
      'quote.sig': q.signature,
      'quote.pcrs': pcrs,
      'ak.pem': new TextEncoder().encode(pem),
      'ak.pub': marshalPublic2b(q.akPublic),
      'checkquote.sh': new TextEncoder().encode(script),
    },
    args,
  };
}

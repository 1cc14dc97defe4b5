import { fail } from '../../src/core/errors.js';
import { toHex } from '../../src/core/encoding.js';
import { concatBytes } from '../../src/core/bytes.js';
import { parseQuoteAttest } from './attest.js';
import { HASH_NAME } from './constants.js';
import type { PcrSelection } from './marshal.js';
import { selectPcrValues } from './pcr-values.js';
import { marshalPublic2b, publicKeyObject } from './public.js';
import { parseSignature } from './signature.js';
import type { TpmQuote } from './verify-quote.js';

/**
 * The files `tpm2_checkquote` (tpm2-tools 5.x) takes, made from a quote (no I/O here; the CLI writes them):
 *   quote.msg   -m  the TPMS_ATTEST the TPM signed
 *   quote.sig   -s  the TPMT_SIGNATURE, TSS (marshalled) format
 *   quote.pcrs  -f  PCR values, "values" format: the raw digests in selection order, read with -l
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

export function tpm2CheckquoteFiles(q: TpmQuote): Tpm2ToolsFiles {
  const attest = parseQuoteAttest(q.attest);
  const sig = parseSignature(q.signature);
  const pcrs = concatBytes(...selectPcrValues(attest.pcrSelect, q.pcrValues));
  const pem = publicKeyObject(q.akPublic).export({ type: 'spki', format: 'pem' }).toString();
  const hash = HASH_NAME[sig.hash] ?? fail('TPM_ALG_UNSUPPORTED', 'signature hash is not supported');
  const args = [
    '-u',
    'ak.pem',
    '-m',
    'quote.msg',
    '-s',
    'quote.sig',
    '-f',
    'quote.pcrs',
    '-l',
    pcrListSpec(attest.pcrSelect),
    '-g',
    hash,
  ];
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

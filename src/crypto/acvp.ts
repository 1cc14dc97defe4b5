import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { fromHex, toHex } from '../core/encoding.js';

/**
 * Runs NIST ACVP ML-DSA vector sets (keyGen, sigGen, sigVer; FIPS204 revision) against the implementation
 * Aegis signs with. Pure ML-DSA (external interface, pure) and the internal interface are checked;
 * HashML-DSA groups are counted as skipped because Aegis never uses pre-hash signing (RFC 9881 forbids it
 * in X.509). Input: the parsed prompt and expectedResults JSON documents.
 */
type Impl = typeof ml_dsa65;
const IMPL: Record<string, Impl> = { 'ML-DSA-44': ml_dsa44, 'ML-DSA-65': ml_dsa65, 'ML-DSA-87': ml_dsa87 };

interface AcvpDoc {
  mode?: string;
  testGroups: Array<{
    tgId: number;
    parameterSet?: string;
    signatureInterface?: string;
    preHash?: string;
    deterministic?: boolean;
    externalMu?: boolean;
    tests: Array<Record<string, unknown>>;
  }>;
}

export interface AcvpSummary {
  mode: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: Array<{ tgId: number; tcId: number }>;
}

const hex = (v: unknown): Uint8Array => fromHex(String(v ?? ''));

export function runAcvp(prompt: AcvpDoc, expected: AcvpDoc, opts: { perGroup?: number } = {}): AcvpSummary {
  const mode = prompt.mode ?? 'unknown';
  const sum: AcvpSummary = { mode, passed: 0, failed: 0, skipped: 0, failures: [] };
  const expectedByTc = new Map<string, Record<string, unknown>>();
  for (const g of expected.testGroups)
    for (const t of g.tests) expectedByTc.set(`${g.tgId}/${String(t['tcId'])}`, t);
  for (const g of prompt.testGroups) {
    const impl = IMPL[g.parameterSet ?? ''];
    const tests = opts.perGroup === undefined ? g.tests : g.tests.slice(0, opts.perGroup);
    for (const t of tests) {
      const tcId = Number(t['tcId']);
      const exp = expectedByTc.get(`${g.tgId}/${tcId}`);
      if (!impl || !exp || g.preHash === 'preHash') {
        sum.skipped++;
        continue;
      }
      let ok: boolean;
      try {
        ok = runCase(mode, impl, g, t, exp);
      } catch {
        ok = false;
      }
      if (ok) sum.passed++;
      else {
        sum.failed++;
        sum.failures.push({ tgId: g.tgId, tcId });
      }
    }
  }
  return sum;
}

function runCase(
  mode: string,
  impl: Impl,
  g: AcvpDoc['testGroups'][number],
  t: Record<string, unknown>,
  exp: Record<string, unknown>,
): boolean {
  if (mode === 'keyGen') {
    const { publicKey, secretKey } = impl.keygen(hex(t['seed']));
    return (
      toHex(publicKey) === String(exp['pk']).toLowerCase() &&
      toHex(secretKey) === String(exp['sk']).toLowerCase()
    );
  }
  const extraEntropy: Uint8Array | false = g.deterministic === false ? hex(t['rnd']) : false;
  if (mode === 'sigGen') {
    const sk = hex(t['sk']);
    let sig: Uint8Array;
    if (g.signatureInterface === 'external')
      sig = impl.sign(hex(t['message']), sk, { context: hex(t['context']), extraEntropy });
    else if (g.externalMu) sig = impl.internal.sign(hex(t['mu']), sk, { externalMu: true, extraEntropy });
    else sig = impl.internal.sign(hex(t['message']), sk, { extraEntropy });
    return toHex(sig) === String(exp['signature']).toLowerCase();
  }
  if (mode === 'sigVer') {
    const pk = hex(t['pk']);
    const sig = hex(t['signature']);
    let ok: boolean;
    if (g.signatureInterface === 'external')
      ok = impl.verify(sig, hex(t['message']), pk, { context: hex(t['context']) });
    else if (g.externalMu) ok = impl.internal.verify(sig, hex(t['mu']), pk, { externalMu: true });
    else ok = impl.internal.verify(sig, hex(t['message']), pk);
    return ok === exp['testPassed'];
  }
  return false;
}

import type { TeeKind, TeeQuoteProvider } from '../../src/device/tee.js';
import { SimulatedAmdSp, type SimSnpOptions } from './amd-sp.js';
import { SimulatedTdx, type SimTdxOptions } from './tdx-module.js';

/**
 * Entry point for composition roots (src/appliance, src/cli): build the simulated TEE that drivers/tee/probe.ts
 * chose, and hand its TEST-ONLY anchors to a verifier only when the user allows simulated evidence.
 */
export { SimulatedTdx, type SimTdxOptions } from './tdx-module.js';
export { SimulatedAmdSp, type SimSnpOptions, DEFAULT_SNP_TCB } from './amd-sp.js';
export { sharedAmdRoots, type AmdRoots } from './amd-pki.js';

export interface SimulatedTee {
  provider: TeeQuoteProvider;
  /** PEM certificates to accept as roots for this simulator's evidence (Intel root, or AMD ARK + ASK). */
  trustAnchorsPem: string;
}

export async function createSimulatedTee(kind: TeeKind, opts: SimTdxOptions & SimSnpOptions = {}): Promise<SimulatedTee> {
  if (kind === 'tdx') {
    const tdx = await SimulatedTdx.create(opts);
    return { provider: tdx, trustAnchorsPem: tdx.trustAnchor.pem };
  }
  const sp = await SimulatedAmdSp.create(opts);
  return { provider: sp, trustAnchorsPem: sp.trustAnchors.ark.pem + sp.trustAnchors.ask.pem };
}

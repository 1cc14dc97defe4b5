import { fail } from '#core/errors.js';
import type { TeeKind, TeeQuoteProvider } from '#device/tee.js';
import { SimulatedAmdSp, type SimSnpOptions } from './amd-sp.js';
import type { SimState } from './sim-state.js';
import { SimulatedTdx, type SimTdxOptions } from './tdx-module.js';

/**
 * Entry point for composition roots (src/appliance, src/cli): build the simulated TEE that drivers/tee/probe.ts
 * chose, optionally resumed from a saved state, and hand its TEST-ONLY anchors to a verifier only when the
 * user allows simulated evidence.
 */
export { SimulatedTdx, type SimTdxOptions } from './tdx-module.js';
export { SimulatedAmdSp, type SimSnpOptions, DEFAULT_SNP_TCB } from './amd-sp.js';
export { sharedAmdRoots, type AmdRoots } from './amd-pki.js';
export {
  parseSimState,
  SIM_STATE_FORMAT,
  type SimState,
  type TdxSimState,
  type SnpSimState,
} from './sim-state.js';

export interface SimulatedTee {
  provider: TeeQuoteProvider;
  /** PEM certificates to accept as roots for this simulator's evidence (Intel root, or AMD ARK + ASK). */
  trustAnchorsPem: string;
  /** The state to save for the next start (TEST-ONLY CA private keys: store it with mode 0600). */
  exportState(): Promise<SimState>;
}

export interface CreateSimulatedTeeOptions {
  now?: Date;
  /** TD DEBUG attribute / SNP policy DEBUG bit, for appraisal-policy tests. */
  debug?: boolean;
  state?: SimState;
  tdx?: Omit<SimTdxOptions, 'state' | 'now' | 'debug'>;
  snp?: Omit<SimSnpOptions, 'state' | 'now' | 'debug'>;
}

export async function createSimulatedTee(
  kind: TeeKind,
  opts: CreateSimulatedTeeOptions = {},
): Promise<SimulatedTee> {
  const { state, tdx: tdxOpts, snp: snpOpts, ...common } = opts;
  if (state !== undefined && state.kind !== kind) {
    fail('TEE_SIM_STATE_INVALID', `saved simulator state is for ${state.kind}, not ${kind}`);
  }
  if (kind === 'tdx') {
    const o: SimTdxOptions = { ...tdxOpts, ...common };
    const tdx = await SimulatedTdx.create(state?.kind === 'tdx' ? { ...o, state } : o);
    return { provider: tdx, trustAnchorsPem: tdx.trustAnchor.pem, exportState: () => tdx.exportState() };
  }
  const o: SimSnpOptions = { ...snpOpts, ...common };
  const sp = await SimulatedAmdSp.create(state?.kind === 'sev-snp' ? { ...o, state } : o);
  return { provider: sp, trustAnchorsPem: sp.trustAnchorsPem, exportState: () => sp.exportState() };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import type { TeeQuoteProvider } from '../device/tee.js';
import { probeTee, realTeeProvider, type TeeProbeResult } from '#drivers/tee/probe.js';
import { openTpmTransport } from '#drivers/tpm/open.js';
import { Tpm2 } from '#drivers/tpm/tpm2.js';
import { createSimulatedTee, parseSimState } from '#firmware-sim/tee/index.js';
import { writeFileAtomic } from '../crypto/key-files.js';
import { readConfig } from './config.js';
import type { AegisHome } from './home.js';

/**
 * Device choice for a home (DESIGN.md: AEGIS_DEVICE=auto|real|sim; real when present, simulator otherwise,
 * and say which). The TPM location comes from config.json (`aegis init --tpm …`); the TEE from the probe.
 */
export interface TeeChoice {
  provider: TeeQuoteProvider;
  probe: TeeProbeResult;
  /** PEM of the simulator's TEST-ONLY anchors (simulated evidence only). */
  simulatorAnchorsPem?: string;
}

export const TEE_SIM_STATE = 'tee-sim-state.json';

/** `off` disables TEE evidence; otherwise the probe decides real or simulated. */
export async function chooseTee(home: AegisHome, env: NodeJS.ProcessEnv): Promise<TeeChoice | undefined> {
  const mode = readConfig(home).tee ?? 'auto';
  if (mode === 'off') return undefined;
  const probe = probeTee({ env, ...(mode === 'sim' ? { mode: 'sim' } : {}) });
  if (!probe.simulated) return { provider: realTeeProvider(probe), probe };
  // The simulator's TEST-ONLY CA persists in the home (0600) so its evidence keeps the same anchors.
  const statePath = join(home.evidence, TEE_SIM_STATE);
  const saved = existsSync(statePath)
    ? parseSimState(JSON.parse(readFileSync(statePath, 'utf8')) as unknown)
    : undefined;
  const sim = await createSimulatedTee(probe.tee, saved && saved.kind === probe.tee ? { state: saved } : {});
  if (!saved || saved.kind !== probe.tee)
    writeFileAtomic(statePath, JSON.stringify(await sim.exportState()), 0o600);
  return { provider: sim.provider, probe, simulatorAnchorsPem: sim.trustAnchorsPem };
}

/** The configured TPM location, or undefined when the home runs without a TPM. */
export function tpmLocation(home: AegisHome, env: NodeJS.ProcessEnv): string | undefined {
  const spec = env['AEGIS_TPM'] ?? readConfig(home).tpm;
  return spec === undefined || spec === 'off' || spec === '' ? undefined : spec;
}

export async function openTpm(spec: string): Promise<Tpm2> {
  const tpm = new Tpm2(await openTpmTransport(spec));
  try {
    await tpm.startup();
  } catch (e) {
    await tpm.close();
    throw e;
  }
  return tpm;
}

export function requireTpm(home: AegisHome, env: NodeJS.ProcessEnv): string {
  const spec = tpmLocation(home, env);
  if (!spec)
    fail(
      'TPM_NOT_CONFIGURED',
      `no TPM configured for ${home.root}; run 'aegis init --tpm swtpm:HOST:PORT|unix:PATH|/dev/tpmrm0'`,
    );
  return spec;
}

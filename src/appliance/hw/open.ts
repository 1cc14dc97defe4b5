import { fail } from '../../core/errors.js';
import { perfEventSource } from '#drivers/hw/perf-events.js';
import { procfsSource } from '#drivers/hw/procfs.js';
import { HW_SIM_ATTACKS, simHwSource, type HwSimAttack } from '#firmware-sim/hw/sim-source.js';
import { join } from 'node:path';
import type { HwMetricSource } from '../../device/hw-metrics.js';
import { sealedSeedsPath } from '../audit-log.js';
import { tpmLocation } from '../devices.js';
import type { AegisHome } from '../home.js';
import { evidenceSource, tpmClockSource } from './platform-sources.js';
import { createHwProvider, type HwProvider } from './provider.js';

/**
 * Which hardware band the engine sees ($AEGIS_HW): `auto` (default) reads the real sources this host has
 * (perf_event_open through ffi-rs, /proc and cgroup, thermal, EDAC); `sim` the deterministic simulator, with
 * $AEGIS_HW_SIM_INJECT naming attacks to inject; `off` none (every hardware subfield unavailable).
 */

export type HwMode = 'auto' | 'sim' | 'off';

export function hwMode(env: NodeJS.ProcessEnv): HwMode {
  const v = env['AEGIS_HW'] ?? '';
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'sim' || v === 'off') return v;
  return fail('HW_MODE_INVALID', `AEGIS_HW must be auto, sim or off, not "${v.slice(0, 32)}"`);
}

export function simAttacks(env: NodeJS.ProcessEnv): HwSimAttack[] {
  const v = env['AEGIS_HW_SIM_INJECT'] ?? '';
  if (v.trim() === '') return [];
  const names = v.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(n in HW_SIM_ATTACKS));
  if (unknown.length > 0)
    fail(
      'HW_SIM_ATTACK_UNKNOWN',
      `unknown simulated attack ${unknown.map((n) => JSON.stringify(n.slice(0, 32))).join(', ')}; known: ${Object.keys(HW_SIM_ATTACKS).join(', ')}`,
    );
  return names as HwSimAttack[];
}

/**
 * The provider for $AEGIS_HW, or undefined for `off`. With a home, `auto` also reads the platform's roots: the TPM the
 * home is configured with (clock, reset counts) and its current evidence bundle (TEE debug, simulated, age).
 */
export function openHwProvider(env: NodeJS.ProcessEnv, home?: AegisHome): HwProvider | undefined {
  const mode = hwMode(env);
  if (mode === 'off') return undefined;
  if (mode === 'sim') {
    const sim = simHwSource({ seed: env['AEGIS_HW_SIM_SEED'] ?? 'aegis-hw-sim', attacks: simAttacks(env) });
    return createHwProvider(sim.name, [sim]);
  }
  const sources: HwMetricSource[] = [perfEventSource(), procfsSource()];
  if (home !== undefined) {
    const tpm = tpmLocation(home, env);
    if (tpm !== undefined) sources.push(tpmClockSource(tpm, sealedSeedsPath(home)));
    sources.push(evidenceSource(join(home.evidence, 'current.json')));
  }
  return createHwProvider('host', sources);
}

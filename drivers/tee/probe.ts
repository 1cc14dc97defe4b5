import { fail, type ErrorCode } from '#core/errors.js';
import type { TeeKind, TeeQuoteProvider } from '#device/tee.js';
import { ConfigfsTsmProvider, TSM_REPORT_ROOT, nodeTsmFs, tsmProbe, type TsmFs } from './configfs-tsm.js';
import { SEV_GUEST_DEVICE, SevGuestProvider, sevGuestPresent } from './sev-guest.js';
import { TDX_GUEST_DEVICE, tdxGuestPresent } from './tdx-guest.js';

/**
 * Which TEE is present, real or simulated (DESIGN.md, Rules: AEGIS_DEVICE=auto|real|sim, default auto —
 * real when present, simulator otherwise, and say which). The probe only decides; the composition root
 * (src/appliance, src/cli) builds the simulator from firmware-sim/, which drivers/ may not import.
 */
export type DeviceMode = 'auto' | 'real' | 'sim';

export type TeeInterface = 'configfs-tsm' | 'sev-guest' | 'tdx-guest' | 'simulator';

export interface TeeProbeResult {
  mode: DeviceMode;
  /** Real guest interfaces found on this machine (configfsTsmProblem: present but unusable, and why). */
  found: {
    configfsTsm: TeeKind | null;
    configfsTsmProblem: string | null;
    configfsTsmProblemCode: ErrorCode | null;
    tdxGuest: boolean;
    sevGuest: boolean;
  };
  /** The TEE evidence will come from (null: none, only when the mode forbids simulation and nothing is found). */
  tee: TeeKind;
  simulated: boolean;
  interface: TeeInterface;
  /** One sentence for `aegis init` / logs: what was chosen and why. */
  reason: string;
}

export interface ProbeOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides AEGIS_DEVICE. */
  mode?: string;
  /** Simulated TEE when simulating (AEGIS_TEE_SIM, default tdx). */
  simKind?: string;
  tsmRoot?: string;
  tsmFs?: TsmFs;
  tdxGuestPath?: string;
  sevGuestPath?: string;
}

export function parseDeviceMode(value: string | undefined): DeviceMode {
  const v = (value ?? 'auto').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'real' || v === 'sim') return v;
  return fail('TEE_DEVICE_MODE_INVALID', `AEGIS_DEVICE must be auto, real or sim, got "${value}"`);
}

export function parseTeeKind(value: string | undefined): TeeKind {
  const v = (value ?? 'tdx').trim().toLowerCase();
  if (v === '' || v === 'tdx') return 'tdx';
  if (v === 'sev-snp' || v === 'snp' || v === 'sev_snp') return 'sev-snp';
  return fail('TEE_SIM_KIND_INVALID', `simulated TEE must be tdx or sev-snp, got "${value}"`);
}

interface RealChoice {
  tee: TeeKind;
  iface: TeeInterface;
  quoteCapable: boolean;
}

/** Prefers configfs-tsm (the only upstream quote path for TDX), then /dev/sev-guest, then /dev/tdx_guest. */
function realChoice(found: TeeProbeResult['found']): RealChoice | undefined {
  if (found.configfsTsm !== null)
    return { tee: found.configfsTsm, iface: 'configfs-tsm', quoteCapable: true };
  if (found.sevGuest) return { tee: 'sev-snp', iface: 'sev-guest', quoteCapable: true };
  // /dev/tdx_guest alone yields a TDREPORT, not a remotely verifiable quote (hardware-interfaces.md §6.2).
  if (found.tdxGuest) return { tee: 'tdx', iface: 'tdx-guest', quoteCapable: false };
  return undefined;
}

export function probeTee(opts: ProbeOptions = {}): TeeProbeResult {
  const env = opts.env ?? process.env;
  const mode = parseDeviceMode(opts.mode ?? env['AEGIS_DEVICE']);
  const tsmOpts = { root: opts.tsmRoot ?? TSM_REPORT_ROOT, fs: opts.tsmFs ?? nodeTsmFs };
  const tsm = mode === 'sim' ? undefined : tsmProbe(tsmOpts);
  const found = {
    configfsTsm: tsm?.kind ?? null,
    configfsTsmProblem: tsm?.problem ?? null,
    configfsTsmProblemCode: tsm?.problemCode ?? null,
    tdxGuest: mode !== 'sim' && tdxGuestPresent(opts.tdxGuestPath ?? TDX_GUEST_DEVICE),
    sevGuest: mode !== 'sim' && sevGuestPresent(opts.sevGuestPath ?? SEV_GUEST_DEVICE),
  };
  const sim = (why: string): TeeProbeResult => {
    const tee = parseTeeKind(opts.simKind ?? env['AEGIS_TEE_SIM']);
    return { mode, found, tee, simulated: true, interface: 'simulator', reason: `simulated ${tee}: ${why}` };
  };
  if (mode === 'sim') return sim('AEGIS_DEVICE=sim');
  const real = realChoice(found);
  if (real !== undefined && real.quoteCapable) {
    return {
      mode,
      found,
      tee: real.tee,
      simulated: false,
      interface: real.iface,
      reason: `real ${real.tee} via ${real.iface}`,
    };
  }
  // A present but unusable configfs-tsm (no permission, foreign provider) must never pass silently as "absent".
  const problem =
    found.configfsTsmProblem === null
      ? ''
      : `; configfs-tsm is present but unusable: ${found.configfsTsmProblem}`;
  if (mode === 'real') {
    if (found.configfsTsmProblem !== null && real === undefined) {
      fail(found.configfsTsmProblemCode ?? 'TEE_NOT_PRESENT', `AEGIS_DEVICE=real${problem}`, {
        problem: found.configfsTsmProblem,
      });
    }
    if (real !== undefined) {
      fail(
        'TEE_QUOTE_UNAVAILABLE',
        '/dev/tdx_guest is present but configfs-tsm is not: no quote path (Linux ≥ 6.7 needed)',
      );
    }
    fail('TEE_NOT_PRESENT', 'AEGIS_DEVICE=real but no TDX or SEV-SNP guest interface is present', {
      looked: [tsmOpts.root, opts.tdxGuestPath ?? TDX_GUEST_DEVICE, opts.sevGuestPath ?? SEV_GUEST_DEVICE],
    });
  }
  if (real !== undefined)
    return sim(`/dev/tdx_guest present but configfs-tsm absent, so no real quote can be made${problem}`);
  if (problem !== '') return sim(`no usable TDX or SEV-SNP guest interface${problem}`);
  return sim('no TDX or SEV-SNP guest interface present');
}

/** The real provider for a probe result that chose real hardware; anything else is a caller bug. */
export function realTeeProvider(probe: TeeProbeResult, opts: ProbeOptions = {}): TeeQuoteProvider {
  if (probe.simulated)
    fail('TEE_NOT_PRESENT', 'the probe chose the simulator; build it in the composition root');
  if (probe.interface === 'configfs-tsm') {
    const tsm = { root: opts.tsmRoot ?? TSM_REPORT_ROOT, fs: opts.tsmFs ?? nodeTsmFs };
    // With /dev/tdx_guest present too, every quote is cross-checked against this TD's own TDREPORT.
    const tdxGuest =
      probe.tee === 'tdx' && probe.found.tdxGuest
        ? { tdxGuest: { path: opts.tdxGuestPath ?? TDX_GUEST_DEVICE } }
        : {};
    return new ConfigfsTsmProvider(probe.tee, { ...tsm, ...tdxGuest });
  }
  if (probe.interface === 'sev-guest')
    return new SevGuestProvider({ path: opts.sevGuestPath ?? SEV_GUEST_DEVICE });
  return fail('TEE_QUOTE_UNAVAILABLE', `no quote path through ${probe.interface}`);
}

import { describe, expect, it } from 'vitest';
import { HW_SIM_ATTACKS, simHwSource } from '#firmware-sim/hw/sim-source.js';
import { createHwProvider } from '#appliance/hw/provider.js';
import { HW_SUBFIELD_NAMES } from '#device/hw-snapshot.js';

describe('hardware simulator (AEGIS_HW=sim)', () => {
  it('is deterministic per seed and target, and fills every subfield but the accelerator slot', () => {
    const a = simHwSource({ seed: 's' });
    const b = simHwSource({ seed: 's' });
    const c = simHwSource({ seed: 'other' });
    const ra = [a.read({ pid: 7 }), a.read({ pid: 7 })];
    expect([b.read({ pid: 7 }), b.read({ pid: 7 })]).toEqual(ra);
    expect(c.read({ pid: 7 })).not.toEqual(ra[0]);
    const p = createHwProvider('sim', [simHwSource({ seed: 's' })]);
    const band = p.snapshot({ sessionId: 'x', agentPid: 7, tokens: 10, network: false, readOnly: false });
    expect(HW_SUBFIELD_NAMES.filter((n) => band.values[n] === undefined)).toEqual(['gpu_accelerator_state']);
  });

  it('each named attack changes what its documentation says it changes, from the second reading on', () => {
    const quiet = simHwSource({ seed: 's' });
    const expectations: Record<keyof typeof HW_SIM_ATTACKS, (d: Record<string, number>) => void> = {
      'dma-exfil': (d) => {
        expect(d['iommu_faults']).toBe(3);
        expect(d['net_tx_bytes']).toBeGreaterThanOrEqual(200e6);
        expect(d['io_read_bytes']).toBeGreaterThanOrEqual(500e6);
      },
      'hypervisor-tamper': (d) => {
        expect(d['hypervisor_ring_events']).toBe(2);
        expect(d['tpm_reset_count']).toBe(1);
      },
      'watchdog-stall': (d) => {
        expect(d['watchdog_strikes']).toBe(2);
        expect(d['psi_io_full_us']).toBeGreaterThanOrEqual(9e5);
      },
      'cost-divergence': (d) => expect(d['task_clock_ns']).toBeGreaterThanOrEqual(100e9),
    };
    const q0 = quiet.read({ pid: 1 });
    const q1 = quiet.read({ pid: 1 });
    for (const [attack, check] of Object.entries(expectations)) {
      const s = simHwSource({ seed: 's', attacks: [attack as keyof typeof HW_SIM_ATTACKS] });
      const r0 = s.read({ pid: 1 });
      expect(r0, `${attack}: the first reading is the baseline`).toEqual(q0);
      const r1 = s.read({ pid: 1 });
      const delta: Record<string, number> = {};
      // What the attack added on top of the quiet workload's own second reading.
      const n = (r: object, k: string): number => (r as Record<string, number>)[k] ?? 0;
      for (const k of Object.keys(r1)) delta[k] = n(r1, k) - n(r0, k) - (n(q1, k) - n(q0, k));
      check(delta);
    }
  });
});

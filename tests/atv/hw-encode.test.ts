import { describe, expect, it } from 'vitest';
import { encodeHwBand, HW_FEATURES, type HwClaims, type HwInterval } from '#atv/hw-encode.js';
import { encodeAtv, atvSha3 } from '#atv/encode.js';
import { subfield } from '#atv/layout.js';
import { HW_SUBFIELD_NAMES } from '#device/hw-snapshot.js';

const interval = (values: HwInterval['values'], extra: Partial<HwInterval> = {}): HwInterval => ({
  values,
  changed: new Set(),
  sourceOf: Object.fromEntries(Object.keys(values).map((k) => [k, k === 'wall_ns' ? 'clock' : 'test'])),
  cpus: 2,
  ...extra,
});
const claims: HwClaims = { tokens: 100, network: false, readOnly: false };

describe('hardware band encoder (measurements → ATV-2080-v1 dims 1880..2079)', () => {
  it('every feature sits inside its subfield and no two features share a dimension', () => {
    const seen = new Set<string>();
    for (const f of HW_FEATURES) {
      expect(HW_SUBFIELD_NAMES).toContain(f.subfield);
      expect(f.dim).toBeGreaterThanOrEqual(0);
      expect(f.dim).toBeLessThan(subfield(f.subfield).length);
      const key = `${f.subfield}.${f.dim}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('a subfield without any of its metrics stays absent (zero, mask bit clear); values are clamped to 0..1', () => {
    const band = encodeHwBand('t', interval({ wall_ns: 1e9, page_faults: 5e5, net_tx_bytes: 10e6 }), claims);
    expect(Object.keys(band.values).sort()).toEqual(
      ['dma_fanout', 'linkage_consistency_features', 'memory_timing_histograms', 'network_telemetry'].sort(),
    );
    expect(band.values.memory_timing_histograms?.[0]).toBe(1); // 500k faults / 100k, clamped
    expect(band.values.network_telemetry?.[0]).toBeCloseTo(0.2, 6); // 10 MB / 50 MB
    expect(band.sources?.network_telemetry).toEqual(['test']);
    const atv = encodeAtv({ aid: 'a', tenant: 't', tool: 'execute_shell', argsJson: '{}', blast: 1 }, band);
    expect(atv.hwMask).toBe((1 << 0) | (1 << 3) | (1 << 6) | (1 << 10));
    const off = subfield('gpu_accelerator_state');
    expect(Array.from(atv.vector.subarray(off.offset, off.offset + off.length)).every((x) => x === 0)).toBe(
      true,
    );
  });

  it('tampering with the SW claims moves the linkage features (same hardware, other claimed cost / behaviour)', () => {
    const hw = interval({ wall_ns: 2e9, task_clock_ns: 1.5e9, net_tx_bytes: 30e6, io_write_bytes: 40e6 });
    const honest = encodeHwBand('t', hw, { tokens: 50_000, network: true, readOnly: false });
    const cheap = encodeHwBand('t', hw, { tokens: 1, network: true, readOnly: false });
    const offline = encodeHwBand('t', hw, { tokens: 50_000, network: false, readOnly: true });
    const l = (b: typeof honest): readonly number[] => b.values.linkage_consistency_features ?? [];
    // Claiming 1 token for 1.5 s of CPU: the cost divergence rises, consistency falls.
    expect(l(cheap)[4]).toBeGreaterThan(l(honest)[4] as number);
    expect(l(cheap)[0]).toBeLessThan(l(honest)[0] as number);
    expect(cheap.values.hw_cost_attestation?.[13]).toBeGreaterThan(
      honest.values.hw_cost_attestation?.[13] as number,
    );
    // Claiming no network and read-only while 30 MB left and 40 MB were written: both divergences appear.
    expect(l(honest)[5]).toBe(0);
    expect(l(offline)[5]).toBeGreaterThan(0.5);
    expect(l(offline)[6]).toBeGreaterThan(0.5);
    expect(l(offline)[3]).toBeLessThan(l(honest)[3] as number);
    const atv = (b: typeof honest): string =>
      atvSha3(
        encodeAtv({ aid: 'a', tenant: 't', tool: 'execute_shell', argsJson: '{}', blast: 1 }, b).vector,
      );
    expect(atv(cheap)).not.toBe(atv(honest));
  });

  it('CPU time beyond elapsed time × CPUs is flagged; a long job folding into one short interval is not', () => {
    const impossible = encodeHwBand(
      't',
      interval({ wall_ns: 1e9, task_clock_ns: 100e9 }, { since: { task_clock_ns: 100e9, wall_ns: 1e9 } }),
      claims,
    );
    expect(impossible.values.hw_cost_attestation?.[14]).toBe(1);
    // 60 s of CPU lands in a 10 ms interval, but the session has been running for an hour: possible.
    const folded = encodeHwBand(
      't',
      interval({ wall_ns: 1e7, task_clock_ns: 60e9 }, { since: { task_clock_ns: 61e9, wall_ns: 3600e9 } }),
      claims,
    );
    expect(folded.values.hw_cost_attestation?.[14]).toBe(0);
  });

  it('rates over very short intervals are not inflated (a few µs of stall in 1 ms is not 100 %)', () => {
    const band = encodeHwBand('t', interval({ wall_ns: 1e6, psi_io_full_us: 1000 }), claims);
    expect(band.values.watchdog_signals?.[3]).toBeLessThan(0.01);
  });
});

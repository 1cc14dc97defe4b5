import { describe, expect, it } from 'vitest';
import { perfEventSource } from '#drivers/hw/perf-events.js';

/** perf_event_open(2) on this host, through ffi-rs: software counters must work; hardware ones may be absent (VMs). */
describe('perf_event_open source (real syscall)', () => {
  it('counts CPU time and page faults of this process; absent counters carry the errno, never a value', () => {
    const src = perfEventSource();
    const probe = src.probe({ pid: process.pid });
    const sw = probe.filter((e) =>
      ['task_clock_ns', 'page_faults', 'context_switches', 'cpu_migrations', 'major_faults'].includes(
        e.metric,
      ),
    );
    expect(
      sw.every((e) => e.available),
      JSON.stringify(sw),
    ).toBe(true);
    for (const e of probe.filter((x) => !x.available)) expect(e.reason).toMatch(/\S/);
    const a = src.read({ pid: process.pid });
    let x = 0;
    for (let i = 0; i < 3e6; i++) x += Math.sqrt(i);
    const keep: number[] = new Array<number>(200_000).fill(x);
    const b = src.read({ pid: process.pid });
    expect(keep.length).toBe(200_000);
    expect((b.task_clock_ns ?? 0) - (a.task_clock_ns ?? 0)).toBeGreaterThan(1e6);
    expect(b.page_faults ?? 0).toBeGreaterThanOrEqual(a.page_faults ?? 0);
    const unavailable = new Set(probe.filter((e) => !e.available).map((e) => e.metric));
    for (const m of unavailable) expect(b[m]).toBeUndefined();
  });

  it('a process that does not exist yields no values (ESRCH), not zeros', () => {
    const src = perfEventSource();
    const gone = 2 ** 22 + 12345; // above pid_max's default ceiling
    expect(src.read({ pid: gone })).toEqual({});
    expect(src.probe({ pid: gone }).some((e) => e.available && e.metric !== 'energy_uj')).toBe(false);
  });
});

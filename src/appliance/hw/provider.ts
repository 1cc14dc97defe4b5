import { availableParallelism } from 'node:os';
import { BoundedMap } from '../../core/bounded-map.js';
import {
  HW_METRICS,
  type HwMetric,
  type HwMetricSource,
  type HwProbeEntry,
  type HwTarget,
  type HwValues,
} from '../../device/hw-metrics.js';
import {
  HW_SUBFIELD_NAMES,
  type HwCallContext,
  type HwSnapshot,
  type HwSnapshotProvider,
  type HwSubfieldName,
} from '../../device/hw-snapshot.js';
import { encodeHwBand, HW_FEATURES } from '../../atv/hw-encode.js';
import { agentProcess } from '#drivers/hw/agent-process.js';

/**
 * The hardware band's provider: reads every source for the agent's process (or the host), turns counters into
 * per-call deltas between the agent's consecutive events (per session), and encodes the band (src/atv/hw-encode.ts).
 * The first event of a session has no interval before it: its counters are zero deltas, its gauges are read.
 */

export interface HwProbeReport {
  provider: string;
  subfields: Array<{
    name: HwSubfieldName;
    available: boolean;
    source: string[];
    dims: number[];
    missing?: string[];
  }>;
  metrics: Array<HwProbeEntry & { source: string }>;
}

export interface HwProvider extends HwSnapshotProvider {
  /** Synchronous: every source is a file read or one FFI call. */
  snapshot(ctx?: HwCallContext): HwSnapshot;
  probe(target: HwTarget): HwProbeReport;
  /** Resolves when sources that sample in the background (the TPM) have their first reading. */
  ready(): Promise<void>;
  /** Stops background sampling. */
  close(): void;
  /** The raw reading of every source (cumulative counters), for `aegis hw sample`. */
  read(target: HwTarget): { values: HwValues; sourceOf: Partial<Record<HwMetric, string>> };
}

/** Metrics that are turned into per-call deltas (the rest are gauges). */
const COUNTERS: ReadonlySet<HwMetric> = new Set(
  (Object.keys(HW_METRICS) as HwMetric[]).filter((m) => HW_METRICS[m].kind === 'counter'),
);

interface Last {
  values: HwValues;
  first: HwValues | undefined;
}

export function createHwProvider(
  name: string,
  sources: readonly HwMetricSource[],
  clock: () => bigint = process.hrtime.bigint,
): HwProvider {
  const last = new BoundedMap<string, Last>(4096);
  const cpus = availableParallelism();

  function read(target: HwTarget): { values: HwValues; sourceOf: Partial<Record<HwMetric, string>> } {
    const values: HwValues = { wall_ns: Number(clock()) };
    const sourceOf: Partial<Record<HwMetric, string>> = { wall_ns: 'clock' };
    for (const s of sources) {
      let got: HwValues;
      try {
        got = s.read(target);
      } catch {
        continue; // a source that fails now is unavailable for this call, never guessed
      }
      for (const k in got) {
        const m = k as HwMetric;
        const v = got[m] as number;
        if (!Number.isFinite(v)) continue;
        values[m] = v;
        sourceOf[m] = s.name;
      }
    }
    return { values, sourceOf };
  }

  /** The hook's parent → the agent process (through the shell that ran the hook), cached per pid. */
  const agents = new BoundedMap<number, number>(1024);
  function agentOf(pid: number): number {
    let a = agents.get(pid);
    if (a === undefined) {
      a = agentProcess(pid);
      agents.set(pid, a);
    }
    return a;
  }

  function snapshot(ctx?: HwCallContext): HwSnapshot {
    const agentPid = ctx?.agentPid === undefined ? undefined : agentOf(ctx.agentPid);
    const target: HwTarget = agentPid === undefined ? {} : { pid: agentPid };
    const key = `${ctx?.sessionId ?? ''}\0${agentPid ?? ''}`;
    // The first event of a session has no interval before it: read once for the start, and the interval is this
    // call's own handling (counters opened for a new agent start here too).
    const prev = last.get(key) ?? { values: read(target).values, first: undefined };
    const now = read(target);
    const values: HwValues = {};
    const changed = new Set<HwMetric>();
    for (const k in now.values) {
      const m = k as HwMetric;
      const v = now.values[m] as number;
      const before = prev.values[m];
      if (COUNTERS.has(m)) values[m] = before === undefined || v < before ? 0 : v - before;
      else {
        values[m] = v;
        if (before !== undefined && before !== v) changed.add(m);
      }
    }
    const first = prev.first ?? prev.values;
    if (ctx !== undefined && ctx.sessionId !== '') {
      last.set(key, { values: now.values, first });
    }
    const since = {
      task_clock_ns: (now.values.task_clock_ns ?? 0) - (first.task_clock_ns ?? 0),
      wall_ns: (now.values.wall_ns ?? 0) - (first.wall_ns ?? 0),
    };
    return encodeHwBand(
      name,
      { values, changed, sourceOf: now.sourceOf, cpus, since },
      { tokens: ctx?.tokens ?? 0, network: ctx?.network ?? false, readOnly: ctx?.readOnly ?? false },
    );
  }

  function probe(target: HwTarget): HwProbeReport {
    const metrics: HwProbeReport['metrics'] = [];
    for (const s of sources) for (const e of s.probe(target)) metrics.push({ ...e, source: s.name });
    const avail = new Map<HwMetric, string>([['wall_ns', 'clock']]);
    for (const e of metrics) if (e.available && !avail.has(e.metric)) avail.set(e.metric, e.source);
    const subfields: HwProbeReport['subfields'] = [];
    for (const name of HW_SUBFIELD_NAMES) {
      const feats = HW_FEATURES.filter((f) => f.subfield === name && f.uses.length > 0);
      const filled = feats.filter((f) => f.uses.every((m) => avail.has(m)));
      const src = [
        ...new Set(
          filled.flatMap((f) => f.uses.map((m) => avail.get(m) as string)).filter((s) => s !== 'clock'),
        ),
      ];
      const missing = [...new Set(feats.flatMap((f) => f.uses).filter((m) => !avail.has(m)))];
      subfields.push({
        name,
        available: filled.length > 0,
        source: src,
        dims: filled.map((f) => f.dim),
        ...(missing.length > 0 ? { missing } : {}),
      });
    }
    return { provider: name, subfields, metrics };
  }

  const polled = sources.filter(
    (s): s is HwMetricSource & { ready(): Promise<void>; close(): void } => 'ready' in s && 'close' in s,
  );
  return {
    name,
    snapshot,
    probe,
    read,
    ready: async () => {
      await Promise.all(polled.map((s) => s.ready()));
    },
    close: () => polled.forEach((s) => s.close()),
  };
}

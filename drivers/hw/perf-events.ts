import { closeSync, readFileSync, readSync } from 'node:fs';
import { BoundedMap } from '#core/bounded-map.js';
import { createRequire } from 'node:module';
import type { HwMetric, HwMetricSource, HwProbeEntry, HwTarget, HwValues } from '#device/hw-metrics.js';

/**
 * perf_event_open(2) through ffi-rs (hardware-interfaces.md §5.1, §10). Counters are opened once per agent
 * process with inherit=1, so the tools the agent spawns afterwards are counted too (their counts fold into the
 * parent's when they exit); reading them at each hook event gives the per-call deltas. Software events work in
 * VMs; hardware events need a PMU (ENOENT without one) and RAPL needs the power PMU: both are reported
 * unavailable with the errno, never invented.
 */

type FfiRs = typeof import('ffi-rs');

const PERF_TYPE_HARDWARE = 0;
const PERF_TYPE_SOFTWARE = 1;
const PERF_ATTR_SIZE_VER7 = 128;
const PERF_FLAG_FD_CLOEXEC = 8;
/** __NR_perf_event_open: 298 on x86_64, 241 on arm64 (asm-generic). */
const NR_PERF_EVENT_OPEN = process.arch === 'arm64' ? 241 : 298;
const FLAG_INHERIT = 1n << 1n;
const FLAG_EXCLUDE_HV = 1n << 6n;
const FLAG_DISABLED = 1n << 0n;
const PERF_EVENT_IOC_ENABLE = 0x2400;

/** Metric → (type, config) from include/uapi/linux/perf_event.h. */
const PER_TASK: ReadonlyArray<{ metric: HwMetric; type: number; config: number }> = [
  { metric: 'task_clock_ns', type: PERF_TYPE_SOFTWARE, config: 1 },
  { metric: 'page_faults', type: PERF_TYPE_SOFTWARE, config: 2 },
  { metric: 'context_switches', type: PERF_TYPE_SOFTWARE, config: 3 },
  { metric: 'cpu_migrations', type: PERF_TYPE_SOFTWARE, config: 4 },
  { metric: 'major_faults', type: PERF_TYPE_SOFTWARE, config: 6 },
  { metric: 'cycles', type: PERF_TYPE_HARDWARE, config: 0 },
  { metric: 'instructions', type: PERF_TYPE_HARDWARE, config: 1 },
  { metric: 'cache_misses', type: PERF_TYPE_HARDWARE, config: 3 },
  { metric: 'branch_misses', type: PERF_TYPE_HARDWARE, config: 5 },
];

const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  13: 'EACCES',
  19: 'ENODEV',
  22: 'EINVAL',
  24: 'EMFILE',
  95: 'EOPNOTSUPP',
};

interface Libc {
  perfOpen(attr: Buffer, pid: number, cpu: number, group?: number): { fd: number; errno: number };
  ioctl(fd: number, req: number): void;
}

let libc: Libc | undefined;
let libcError: string | undefined;

function loadLibc(): Libc | undefined {
  if (libc !== undefined || libcError !== undefined) return libc;
  try {
    // ffi-rs is CommonJS with a native addon; require keeps its named exports typed.
    const ffi = createRequire(import.meta.url)('ffi-rs') as FfiRs;
    const { DataType, load } = ffi;
    ffi.open({ library: 'libc-perf', path: 'libc.so.6' });
    libc = {
      perfOpen(attr, pid, cpu, group = -1) {
        // syscall(2) is variadic; a fixed-arity declaration works for integer/pointer args on the SysV ABIs.
        const r = load({
          library: 'libc-perf',
          funcName: 'syscall',
          retType: DataType.I64,
          errno: true as const,
          paramsType: [
            DataType.I64,
            DataType.U8Array,
            DataType.I32,
            DataType.I32,
            DataType.I32,
            DataType.U64,
          ],
          paramsValue: [NR_PERF_EVENT_OPEN, attr, pid, cpu, group, PERF_FLAG_FD_CLOEXEC],
        });
        // errno is stale on success (§10): only read it when the call failed.
        return r.value < 0 ? { fd: -1, errno: r.errnoCode } : { fd: Number(r.value), errno: 0 };
      },
      ioctl(fd, req) {
        load({
          library: 'libc-perf',
          funcName: 'ioctl',
          retType: DataType.I32,
          paramsType: [DataType.I32, DataType.U64, DataType.U64],
          paramsValue: [fd, req, 0],
        });
      },
    };
  } catch (e) {
    libcError = `ffi-rs unavailable (${e instanceof Error ? e.message.slice(0, 80) : 'error'})`;
  }
  return libc;
}

const PERF_FORMAT_GROUP = 8n;

function attr(type: number, config: number, flags: bigint, readFormat = 0n): Buffer {
  const a = Buffer.alloc(PERF_ATTR_SIZE_VER7);
  a.writeUInt32LE(type, 0);
  a.writeUInt32LE(PERF_ATTR_SIZE_VER7, 4);
  a.writeBigUInt64LE(BigInt(config), 8);
  a.writeBigUInt64LE(readFormat, 32);
  a.writeBigUInt64LE(flags, 40);
  return a;
}

/**
 * Counters of one agent process. Events that open are put in one group (read_format = PERF_FORMAT_GROUP), so one
 * read(2) returns {nr, values[nr]} for all of them. The descriptors are ordinary fds of this process: the sample is
 * read with fs.readSync, no FFI call on the hot path (ffi-rs is needed only for perf_event_open and ioctl).
 */
interface Opened {
  leader?: number;
  fds: number[];
  members: HwMetric[];
  buf: Buffer;
  why: Partial<Record<HwMetric, string>>;
}

/** RAPL package energy through the perf power PMU (system-wide, one CPU of its cpumask). */
function openRapl(l: Libc): { fd?: number; scale?: number; why?: string } {
  const dir = '/sys/bus/event_source/devices/power';
  let type: number;
  let config: number;
  let scale: number;
  let cpu: number;
  try {
    type = Number(readFileSync(`${dir}/type`, 'utf8').trim());
    const ev = /event=(0x[0-9a-f]+|\d+)/i.exec(readFileSync(`${dir}/events/energy-pkg`, 'utf8'));
    config = Number(ev?.[1] ?? 2);
    scale = Number(readFileSync(`${dir}/events/energy-pkg.scale`, 'utf8').trim());
    cpu = Number(/^\d+/.exec(readFileSync(`${dir}/cpumask`, 'utf8'))?.[0] ?? 0);
  } catch {
    return { why: 'no perf power PMU (RAPL) on this host' };
  }
  const r = l.perfOpen(attr(type, config, 0n), -1, cpu);
  if (r.fd < 0) return { why: `RAPL ${ERRNO[r.errno] ?? `errno ${r.errno}`}` };
  return { fd: r.fd, scale };
}

export function perfEventSource(): HwMetricSource {
  // The descriptors are this process's own: Node closes them like any other fd.
  const closeAll = (o: Opened): void => o.fds.forEach((fd) => closeSync(fd));
  const opened = new BoundedMap<number, Opened>(64, (_pid, o) => closeAll(o));
  let rapl: { fd?: number; scale?: number; why?: string } | undefined;
  const raplBuf = Buffer.alloc(8);

  function openFor(pid: number, l: Libc): Opened {
    const o = opened.get(pid);
    if (o !== undefined) return o;
    const fresh: Opened = { fds: [], members: [], buf: Buffer.alloc(0), why: {} };
    for (const e of PER_TASK) {
      // The leader starts disabled and is enabled once the group is complete, so all members count the same interval.
      const flags = FLAG_INHERIT | FLAG_EXCLUDE_HV | (fresh.leader === undefined ? FLAG_DISABLED : 0n);
      const r = l.perfOpen(attr(e.type, e.config, flags, PERF_FORMAT_GROUP), pid, -1, fresh.leader ?? -1);
      if (r.fd >= 0) {
        fresh.leader ??= r.fd;
        fresh.fds.push(r.fd);
        fresh.members.push(e.metric);
      } else {
        fresh.why[e.metric] =
          e.type === PERF_TYPE_HARDWARE && r.errno === 2
            ? 'ENOENT: no PMU (virtualised host)'
            : (ERRNO[r.errno] ?? `errno ${r.errno}`);
      }
    }
    if (fresh.leader !== undefined) l.ioctl(fresh.leader, PERF_EVENT_IOC_ENABLE);
    fresh.buf = Buffer.alloc(8 + 8 * fresh.members.length);
    opened.set(pid, fresh);
    return fresh;
  }

  function release(target: HwTarget): void {
    const o = target.pid === undefined ? undefined : opened.get(target.pid);
    if (o === undefined || target.pid === undefined) return;
    closeAll(o);
    opened.delete(target.pid);
  }

  return {
    name: 'perf_event_open',
    probe(target) {
      const l = loadLibc();
      const entries: HwProbeEntry[] = [];
      if (l === undefined) {
        for (const e of PER_TASK)
          entries.push({ metric: e.metric, available: false, reason: libcError ?? 'ffi-rs unavailable' });
        entries.push({ metric: 'energy_uj', available: false, reason: libcError ?? 'ffi-rs unavailable' });
        return entries;
      }
      const o = openFor(target.pid ?? process.pid, l);
      for (const e of PER_TASK) {
        const why = o.why[e.metric];
        entries.push(
          why === undefined
            ? { metric: e.metric, available: true }
            : { metric: e.metric, available: false, reason: why },
        );
      }
      rapl ??= openRapl(l);
      entries.push(
        rapl.fd !== undefined
          ? { metric: 'energy_uj', available: true }
          : { metric: 'energy_uj', available: false, reason: rapl.why ?? 'unavailable' },
      );
      return entries;
    },
    read(target) {
      const l = loadLibc();
      const out: HwValues = {};
      if (l === undefined || target.pid === undefined) return out;
      const o = openFor(target.pid, l);
      if (o.leader !== undefined && readSync(o.leader, o.buf, 0, o.buf.length, null) === o.buf.length) {
        const nr = Number(o.buf.readBigUInt64LE(0));
        for (let i = 0; i < nr && i < o.members.length; i++)
          out[o.members[i] as HwMetric] = Number(o.buf.readBigUInt64LE(8 + 8 * i));
      }
      rapl ??= openRapl(l);
      if (rapl.fd !== undefined && rapl.scale !== undefined) {
        if (readSync(rapl.fd, raplBuf, 0, 8, null) === 8)
          out.energy_uj = Number(raplBuf.readBigUInt64LE(0)) * rapl.scale * 1e6;
      }
      return out;
    },
    release,
  };
}

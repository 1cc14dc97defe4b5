import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { HwMetric, HwMetricSource, HwProbeEntry, HwTarget, HwValues } from '#device/hw-metrics.js';

/**
 * Kernel files as sources of the hardware band: PSI (Documentation/accounting/psi.rst), /proc/stat steal time,
 * /proc/<pid>/schedstat run delay, /proc/<pid>/io, the agent's network namespace (/proc/<pid>/net/dev), its remote
 * endpoints (socket inodes of the process tree matched in /proc/<pid>/net/{tcp,tcp6,udp,udp6}), its cgroup's
 * memory (v2 memory.current, v1 memory.usage_in_bytes), thermal zones, EDAC and the hypervisor CPU flag.
 * `root` lets tests point it at a fake tree laid out like /proc and /sys.
 */

export interface ProcfsOptions {
  proc?: string;
  sys?: string;
}

/** USER_HZ: /proc/stat counts in clock ticks of 1/100 s on every Linux ABI (proc(5)). */
const USER_HZ = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `some avg10=… total=N` / `full … total=N` lines of a PSI file: the totals in µs. */
export function parsePsi(text: string): { some?: number; full?: number } {
  const out: { some?: number; full?: number } = {};
  for (const line of text.split('\n')) {
    const m = /^(some|full) .*\btotal=(\d+)/.exec(line);
    if (m !== null) out[m[1] as 'some' | 'full'] = Number(m[2]);
  }
  return out;
}

/** The steal column (8th value) of the aggregate `cpu` line of /proc/stat, in ns. */
export function parseSteal(stat: string): number | undefined {
  const line = stat.split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/);
  if (f[0] !== 'cpu' || f.length < 9) return undefined;
  return (Number(f[8]) * 1e9) / USER_HZ;
}

/** rx/tx bytes summed over the interfaces of a /proc/net/dev table, loopback excluded. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (m === null || m[1] === 'lo') continue;
    const f = (m[2] as string).trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** `read_bytes` / `write_bytes` of /proc/<pid>/io. */
export function parseIo(text: string): { read?: number; write?: number } {
  const r = /^read_bytes:\s*(\d+)/m.exec(text);
  const w = /^write_bytes:\s*(\d+)/m.exec(text);
  return { ...(r === null ? {} : { read: Number(r[1]) }), ...(w === null ? {} : { write: Number(w[1]) }) };
}

const LOOPBACK4 = /^(?:[0-9A-F]{6}7F)$/i; // 127.x.x.x in /proc/net/tcp's little-endian hex
const ZERO = /^0+$/;

/** Remote endpoints (addr:port) of the given socket inodes in a /proc/net/{tcp,udp}[6] table; loopback excluded. */
export function remoteEndpoints(table: string, inodes: ReadonlySet<string>, into: Set<string>): void {
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !inodes.has(f[9] as string)) continue;
    const [addr, port] = (f[2] as string).split(':');
    if (addr === undefined || ZERO.test(addr) || LOOPBACK4.test(addr) || addr === '00000000000000000000000001000000') continue;
    if (port === '0000') continue;
    into.add(`${addr}:${port}`);
  }
}

export function procfsSource(opts: ProcfsOptions = {}): HwMetricSource {
  const proc = opts.proc ?? '/proc';
  const sys = opts.sys ?? '/sys';
  const hypervisor = /^flags\s*:.*\bhypervisor\b/m.test(read(`${proc}/cpuinfo`) ?? '') ? 1 : 0;

  /** The agent and its descendants, via /proc/<pid>/task/<tid>/children (bounded: 128 processes). */
  function tree(pid: number): number[] {
    const out: number[] = [];
    const todo = [pid];
    while (todo.length > 0 && out.length < 128) {
      const p = todo.shift() as number;
      out.push(p);
      let tasks: string[];
      try {
        tasks = readdirSync(`${proc}/${p}/task`);
      } catch {
        continue;
      }
      for (const t of tasks) {
        const kids = read(`${proc}/${p}/task/${t}/children`);
        if (kids !== undefined) for (const k of kids.trim().split(/\s+/)) if (k !== '') todo.push(Number(k));
      }
    }
    return out;
  }

  function socketInodes(pids: readonly number[]): Set<string> {
    const inodes = new Set<string>();
    for (const p of pids) {
      let fds: string[];
      try {
        fds = readdirSync(`${proc}/${p}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds.slice(0, 512)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${p}/fd/${fd}`));
          if (m !== null) inodes.add(m[1] as string);
        } catch {
          // the descriptor closed while we looked
        }
      }
    }
    return inodes;
  }

  function cgroupMemory(pid: number): number | undefined {
    const cg = read(`${proc}/${pid}/cgroup`);
    if (cg === undefined) return undefined;
    const v2 = /^0::(\/.*)$/m.exec(cg);
    if (v2 !== null) {
      const cur = read(`${sys}/fs/cgroup${v2[1] === '/' ? '' : (v2[1] as string)}/memory.current`);
      if (cur !== undefined) return Number(cur.trim());
    }
    const v1 = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(cg);
    if (v1 !== null) {
      const cur = read(`${sys}/fs/cgroup/memory${v1[1] === '/' ? '' : (v1[1] as string)}/memory.usage_in_bytes`);
      if (cur !== undefined) return Number(cur.trim());
    }
    return undefined;
  }

  function thermalMax(): number | undefined {
    let zones: string[];
    try {
      zones = readdirSync(`${sys}/class/thermal`).filter((z) => z.startsWith('thermal_zone'));
    } catch {
      return undefined;
    }
    let max: number | undefined;
    for (const z of zones) {
      const t = Number(read(`${sys}/class/thermal/${z}/temp`)?.trim());
      if (Number.isFinite(t)) max = Math.max(max ?? t, t);
    }
    return max;
  }

  function edac(): { ce: number; ue: number } | undefined {
    let mcs: string[];
    try {
      mcs = readdirSync(`${sys}/devices/system/edac/mc`).filter((m) => /^mc\d+$/.test(m));
    } catch {
      return undefined;
    }
    if (mcs.length === 0) return undefined;
    let ce = 0;
    let ue = 0;
    for (const m of mcs) {
      ce += Number(read(`${sys}/devices/system/edac/mc/${m}/ce_count`)?.trim() ?? 0);
      ue += Number(read(`${sys}/devices/system/edac/mc/${m}/ue_count`)?.trim() ?? 0);
    }
    return { ce, ue };
  }

  function readAll(target: HwTarget, withEndpoints: boolean): HwValues {
    const out: HwValues = { hypervisor_present: hypervisor };
    const cpu = read(`${proc}/pressure/cpu`);
    if (cpu !== undefined) {
      const p = parsePsi(cpu);
      if (p.some !== undefined) out.psi_cpu_some_us = p.some;
    }
    const mem = read(`${proc}/pressure/memory`);
    if (mem !== undefined) {
      const p = parsePsi(mem);
      if (p.some !== undefined) out.psi_mem_some_us = p.some;
      if (p.full !== undefined) out.psi_mem_full_us = p.full;
    }
    const io = read(`${proc}/pressure/io`);
    if (io !== undefined) {
      const p = parsePsi(io);
      if (p.some !== undefined) out.psi_io_some_us = p.some;
      if (p.full !== undefined) out.psi_io_full_us = p.full;
    }
    const stat = read(`${proc}/stat`);
    const steal = stat === undefined ? undefined : parseSteal(stat);
    if (steal !== undefined) out.steal_ns = steal;
    const t = thermalMax();
    if (t !== undefined) out.temp_max_mc = t;
    const e = edac();
    if (e !== undefined) {
      out.ecc_corrected = e.ce;
      out.ecc_uncorrected = e.ue;
    }
    const pid = target.pid;
    if (pid === undefined) return out;
    const sched = read(`${proc}/${pid}/schedstat`);
    if (sched !== undefined) out.run_delay_ns = Number(sched.trim().split(/\s+/)[1] ?? 0);
    const pio = read(`${proc}/${pid}/io`);
    if (pio !== undefined) {
      const p = parseIo(pio);
      if (p.read !== undefined) out.io_read_bytes = p.read;
      if (p.write !== undefined) out.io_write_bytes = p.write;
    }
    const dev = read(`${proc}/${pid}/net/dev`);
    if (dev !== undefined) {
      const n = parseNetDev(dev);
      out.net_rx_bytes = n.rx;
      out.net_tx_bytes = n.tx;
    }
    const memNow = cgroupMemory(pid);
    if (memNow !== undefined) out.mem_current_bytes = memNow;
    if (withEndpoints) {
      const inodes = socketInodes(tree(pid));
      const seen = new Set<string>();
      if (inodes.size > 0) for (const tbl of ['tcp', 'tcp6', 'udp', 'udp6']) remoteEndpoints(read(`${proc}/${pid}/net/${tbl}`) ?? '', inodes, seen);
      out.remote_endpoints = seen.size;
    }
    return out;
  }

  const ALL: readonly HwMetric[] = [
    'psi_cpu_some_us', 'psi_mem_some_us', 'psi_mem_full_us', 'psi_io_some_us', 'psi_io_full_us', 'steal_ns', 'run_delay_ns',
    'io_read_bytes', 'io_write_bytes', 'net_rx_bytes', 'net_tx_bytes', 'remote_endpoints', 'mem_current_bytes',
    'temp_max_mc', 'ecc_corrected', 'ecc_uncorrected', 'hypervisor_present',
  ];
  const REASON: Partial<Record<HwMetric, string>> = {
    psi_cpu_some_us: 'no /proc/pressure (kernel without CONFIG_PSI or psi=0)',
    temp_max_mc: 'no thermal zones in /sys/class/thermal',
    ecc_corrected: 'no EDAC memory controllers',
    ecc_uncorrected: 'no EDAC memory controllers',
    mem_current_bytes: 'no memory cgroup for the process',
  };

  return {
    name: 'procfs',
    probe(target) {
      const got = readAll({ pid: target.pid ?? process.pid }, true);
      return ALL.map((m): HwProbeEntry => (got[m] !== undefined ? { metric: m, available: true } : { metric: m, available: false, reason: REASON[m] ?? `not readable under ${proc}` }));
    },
    read: (target) => readAll(target, true),
  };
}

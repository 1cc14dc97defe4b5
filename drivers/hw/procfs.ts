import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { BoundedMap } from '#core/bounded-map.js';
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

/**
 * Kernel files kept open and re-read with pread(2) at offset 0 (seq_file and sysfs regenerate the text for each
 * read from 0): one syscall per sample instead of open+fstat+read+close, about 5× cheaper on the hook path.
 * Files that do not exist are remembered as absent for ABSENT_RECHECK_MS.
 */
const ABSENT_RECHECK_MS = 10_000;
const MAX_OPEN = 256;

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

class KernelFiles {
  private readonly fds = new BoundedMap<string, number>(MAX_OPEN, (_path, fd) => closeQuietly(fd));
  private readonly absent = new BoundedMap<string, number>(4 * MAX_OPEN);
  private readonly buf = Buffer.alloc(64 * 1024);

  read(path: string): string | undefined {
    let fd = this.fds.get(path);
    if (fd === undefined) {
      const since = this.absent.get(path);
      if (since !== undefined && Date.now() - since < ABSENT_RECHECK_MS) return undefined;
      try {
        fd = openSync(path, 'r');
      } catch {
        this.absent.set(path, Date.now());
        return undefined;
      }
      this.fds.set(path, fd);
    }
    try {
      const n = readSync(fd, this.buf, 0, this.buf.length, 0);
      // A table larger than the buffer (e.g. /proc/net/tcp of a busy host) is read whole the slow way.
      // Kernel text files are ASCII: latin1 decodes them without UTF-8 validation.
      return n < this.buf.length ? this.buf.toString('latin1', 0, n) : readFileSync(path, 'latin1');
    } catch {
      this.close(path); // the process exited (ESRCH) or the file went away
      return undefined;
    }
  }

  close(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    closeQuietly(fd);
  }

  /** Closes every file under a prefix (a process that went away). */
  closeUnder(prefix: string): void {
    for (const p of [...this.fds.keys()]) if (p.startsWith(prefix)) this.close(p);
  }
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
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() === 'lo') continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    rx += Number(f[0] ?? 0);
    tx += Number(f[8] ?? 0);
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
    if (
      addr === undefined ||
      ZERO.test(addr) ||
      LOOPBACK4.test(addr) ||
      addr === '00000000000000000000000001000000'
    )
      continue;
    if (port === '0000') continue;
    into.add(`${addr}:${port}`);
  }
}

/** Remote endpoints are a gauge that costs a walk of the process tree and of the netns socket tables: sampled at most once per second per agent. */
const ENDPOINTS_TTL_MS = 1000;
/** Thermal zones and EDAC controllers do not come and go: their lists are re-read every 10 s. */
const LISTS_TTL_MS = 10_000;

export function procfsSource(opts: ProcfsOptions = {}): HwMetricSource {
  const proc = opts.proc ?? '/proc';
  const sys = opts.sys ?? '/sys';
  const files = new KernelFiles();
  const hypervisor = /^flags\s*:.*\bhypervisor\b/m.test(read(`${proc}/cpuinfo`) ?? '') ? 1 : 0;
  const endpointsCache = new BoundedMap<number, { at: number; n: number }>(256);
  const lists = new Map<string, { at: number; names: string[] | undefined }>();

  function list(dir: string, keep: (n: string) => boolean): string[] | undefined {
    const hit = lists.get(dir);
    if (hit !== undefined && Date.now() - hit.at < LISTS_TTL_MS) return hit.names;
    let names: string[] | undefined;
    try {
      names = readdirSync(dir).filter(keep);
    } catch {
      names = undefined;
    }
    lists.set(dir, { at: Date.now(), names });
    return names;
  }

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

  /** The memory file of the process's cgroup (v2 memory.current, else v1 memory.usage_in_bytes), resolved once per pid. */
  const memFile = new BoundedMap<number, string | undefined>(256);
  function cgroupMemory(pid: number): number | undefined {
    if (!memFile.has(pid)) {
      const cg = read(`${proc}/${pid}/cgroup`) ?? '';
      const v2 = /^0::(\/.*)$/m.exec(cg);
      const v1 = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(cg);
      const rel = (p: string | undefined): string => (p === undefined || p === '/' ? '' : p);
      const candidates = [
        ...(v2 === null ? [] : [`${sys}/fs/cgroup${rel(v2[1])}/memory.current`]),
        ...(v1 === null ? [] : [`${sys}/fs/cgroup/memory${rel(v1[1])}/memory.usage_in_bytes`]),
      ];
      memFile.set(
        pid,
        candidates.find((f) => read(f) !== undefined),
      );
    }
    const f = memFile.get(pid);
    const cur = f === undefined ? undefined : files.read(f);
    return cur === undefined ? undefined : Number(cur.trim());
  }

  function thermalMax(): number | undefined {
    const zones = list(`${sys}/class/thermal`, (z) => z.startsWith('thermal_zone'));
    if (zones === undefined) return undefined;
    let max: number | undefined;
    for (const z of zones) {
      const t = Number(files.read(`${sys}/class/thermal/${z}/temp`)?.trim());
      if (Number.isFinite(t)) max = Math.max(max ?? t, t);
    }
    return max;
  }

  function edac(): { ce: number; ue: number } | undefined {
    const mcs = list(`${sys}/devices/system/edac/mc`, (m) => /^mc\d+$/.test(m));
    if (mcs === undefined || mcs.length === 0) return undefined;
    let ce = 0;
    let ue = 0;
    for (const m of mcs) {
      ce += Number(files.read(`${sys}/devices/system/edac/mc/${m}/ce_count`)?.trim() ?? 0);
      ue += Number(files.read(`${sys}/devices/system/edac/mc/${m}/ue_count`)?.trim() ?? 0);
    }
    return { ce, ue };
  }

  /** Distinct remote endpoints of the agent tree, at most once per ENDPOINTS_TTL_MS per agent. */
  function endpoints(pid: number): number {
    const hit = endpointsCache.get(pid);
    if (hit !== undefined && Date.now() - hit.at < ENDPOINTS_TTL_MS) return hit.n;
    const inodes = socketInodes(tree(pid));
    const seen = new Set<string>();
    if (inodes.size > 0)
      for (const tbl of ['tcp', 'tcp6', 'udp', 'udp6'])
        remoteEndpoints(read(`${proc}/${pid}/net/${tbl}`) ?? '', inodes, seen);
    endpointsCache.set(pid, { at: Date.now(), n: seen.size });
    return seen.size;
  }

  function readAll(target: HwTarget, withEndpoints: boolean): HwValues {
    const out: HwValues = { hypervisor_present: hypervisor };
    const cpu = files.read(`${proc}/pressure/cpu`);
    if (cpu !== undefined) {
      const p = parsePsi(cpu);
      if (p.some !== undefined) out.psi_cpu_some_us = p.some;
    }
    const mem = files.read(`${proc}/pressure/memory`);
    if (mem !== undefined) {
      const p = parsePsi(mem);
      if (p.some !== undefined) out.psi_mem_some_us = p.some;
      if (p.full !== undefined) out.psi_mem_full_us = p.full;
    }
    const io = files.read(`${proc}/pressure/io`);
    if (io !== undefined) {
      const p = parsePsi(io);
      if (p.some !== undefined) out.psi_io_some_us = p.some;
      if (p.full !== undefined) out.psi_io_full_us = p.full;
    }
    const stat = files.read(`${proc}/stat`);
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
    const sched = files.read(`${proc}/${pid}/schedstat`);
    if (sched !== undefined) out.run_delay_ns = Number(sched.trim().split(/\s+/)[1] ?? 0);
    const pio = files.read(`${proc}/${pid}/io`);
    if (pio !== undefined) {
      const p = parseIo(pio);
      if (p.read !== undefined) out.io_read_bytes = p.read;
      if (p.write !== undefined) out.io_write_bytes = p.write;
    }
    const dev = files.read(`${proc}/${pid}/net/dev`);
    if (dev !== undefined) {
      const n = parseNetDev(dev);
      out.net_rx_bytes = n.rx;
      out.net_tx_bytes = n.tx;
    }
    const memNow = cgroupMemory(pid);
    if (memNow !== undefined) out.mem_current_bytes = memNow;
    if (withEndpoints) out.remote_endpoints = endpoints(pid);
    return out;
  }

  const ALL: readonly HwMetric[] = [
    'psi_cpu_some_us',
    'psi_mem_some_us',
    'psi_mem_full_us',
    'psi_io_some_us',
    'psi_io_full_us',
    'steal_ns',
    'run_delay_ns',
    'io_read_bytes',
    'io_write_bytes',
    'net_rx_bytes',
    'net_tx_bytes',
    'remote_endpoints',
    'mem_current_bytes',
    'temp_max_mc',
    'ecc_corrected',
    'ecc_uncorrected',
    'hypervisor_present',
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
      return ALL.map((m): HwProbeEntry =>
        got[m] !== undefined
          ? { metric: m, available: true }
          : { metric: m, available: false, reason: REASON[m] ?? `not readable under ${proc}` },
      );
    },
    read: (target) => readAll(target, true),
    release(target) {
      if (target.pid === undefined) return;
      files.closeUnder(`${proc}/${target.pid}/`);
      endpointsCache.delete(target.pid);
      memFile.delete(target.pid);
    },
  };
}

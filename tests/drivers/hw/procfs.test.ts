import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseIo,
  parseNetDev,
  parsePsi,
  parseSteal,
  procfsSource,
  remoteEndpoints,
} from '#drivers/hw/procfs.js';
import { tempDir } from '../../helpers/audit.js';

/** Files laid out as the kernel writes them (proc(5), Documentation/accounting/psi.rst, net/ipv4/tcp_ipv4.c). */
const PSI =
  'some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=789\n';
const STAT = 'cpu  82013 0 11804 125980 735 0 361 490 0 0\ncpu0 41000 0 5900 63000 300 0 180 245 0 0\n';
const NETDEV =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
  '    lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n' +
  '  eth0: 5000000   4000    0    0    0     0          0         0   250000    2000    0    0    0     0       0          0\n';
const IO =
  'rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
// sl local rem st tx:rx tr:when retrnsmt uid timeout inode
const TCP =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0\n' +
  '   1: 0A00020F:C350 2E1B1A8C:01BB 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1\n' +
  '   2: 0A00020F:C352 2E1B1A8D:01BB 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 20 4 30 10 -1\n' +
  '   3: 0100007F:C354 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 20 4 30 10 -1\n';

describe('procfs parsers', () => {
  it('PSI totals, steal in ns (USER_HZ 100), netdev without loopback, io bytes', () => {
    expect(parsePsi(PSI)).toEqual({ some: 123456, full: 789 });
    expect(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n')).toEqual({ some: 5 });
    expect(parseSteal(STAT)).toBe(4.9e9);
    expect(parseSteal('intr 1 2 3\n')).toBeUndefined();
    expect(parseNetDev(NETDEV)).toEqual({ rx: 5000000, tx: 250000 });
    expect(parseIo(IO)).toEqual({ read: 4096, write: 8192 });
  });

  it('remote endpoints: only the given sockets, loopback and listening sockets excluded', () => {
    const out = new Set<string>();
    remoteEndpoints(TCP, new Set(['1111', '2222', '3333', '4444']), out);
    expect([...out].sort()).toEqual(['2E1B1A8C:01BB', '2E1B1A8D:01BB']);
    const none = new Set<string>();
    remoteEndpoints(TCP, new Set(['9999']), none);
    expect(none.size).toBe(0);
  });
});

describe('procfs source over a fake /proc and /sys', () => {
  it('reads every metric it finds, counts the agent tree’s remote endpoints, and leaves absent ones out', () => {
    const root = tempDir('aegis-procfs-');
    const proc = join(root, 'proc');
    const sys = join(root, 'sys');
    const pid = 4242;
    const child = 4243;
    for (const d of [
      `${proc}/pressure`,
      `${proc}/${pid}/task/${pid}`,
      `${proc}/${pid}/fd`,
      `${proc}/${pid}/net`,
      `${proc}/${child}/task/${child}`,
      `${proc}/${child}/fd`,
      `${sys}/fs/cgroup/agent.slice`,
      `${sys}/class/thermal/thermal_zone0`,
    ])
      mkdirSync(d, { recursive: true });
    writeFileSync(`${proc}/cpuinfo`, 'processor\t: 0\nflags\t\t: fpu vme hypervisor sse\n');
    for (const k of ['cpu', 'memory', 'io']) writeFileSync(`${proc}/pressure/${k}`, PSI);
    writeFileSync(`${proc}/stat`, STAT);
    writeFileSync(`${proc}/${pid}/schedstat`, '1000 2000 3\n');
    writeFileSync(`${proc}/${pid}/io`, IO);
    writeFileSync(`${proc}/${pid}/net/dev`, NETDEV);
    writeFileSync(`${proc}/${pid}/net/tcp`, TCP);
    writeFileSync(`${proc}/${pid}/cgroup`, '0::/agent.slice\n');
    writeFileSync(`${sys}/fs/cgroup/agent.slice/memory.current`, '123456789\n');
    writeFileSync(`${sys}/class/thermal/thermal_zone0/temp`, '91000\n');
    writeFileSync(`${proc}/${pid}/task/${pid}/children`, `${child} `);
    writeFileSync(`${proc}/${child}/task/${child}/children`, '');
    symlinkSync('socket:[2222]', `${proc}/${pid}/fd/3`);
    symlinkSync('socket:[3333]', `${proc}/${child}/fd/4`);
    symlinkSync('/dev/null', `${proc}/${child}/fd/0`);
    const src = procfsSource({ proc, sys });
    const v = src.read({ pid });
    expect(v).toMatchObject({
      hypervisor_present: 1,
      psi_cpu_some_us: 123456,
      psi_io_full_us: 789,
      steal_ns: 4.9e9,
      run_delay_ns: 2000,
      io_read_bytes: 4096,
      io_write_bytes: 8192,
      net_rx_bytes: 5000000,
      net_tx_bytes: 250000,
      remote_endpoints: 2,
      mem_current_bytes: 123456789,
      temp_max_mc: 91000,
    });
    expect(v.ecc_corrected).toBeUndefined(); // no EDAC in this tree
    const probe = src.probe({ pid });
    expect(probe.find((e) => e.metric === 'ecc_uncorrected')).toMatchObject({
      available: false,
      reason: 'no EDAC memory controllers',
    });
    // Host-wide metrics without a pid; per-process ones absent.
    const host = src.read({});
    expect(host.psi_cpu_some_us).toBe(123456);
    expect(host.io_read_bytes).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';

/**
 * The agent behind a hook: Claude Code runs a hook command through a shell (`/bin/sh -c <command>`), so the shim's
 * parent is usually that short-lived shell, a new process on every call. Counters must follow the agent itself: walk
 * up from the given process while it is a shell, at most a few levels (proc(5): /proc/<pid>/stat fields 2 comm and
 * 4 ppid).
 */

const SHELLS: ReadonlySet<string> = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'busybox', 'ksh', 'fish']);
const MAX_HOPS = 4;

/** comm and ppid from a /proc/<pid>/stat line (comm may contain spaces and parentheses: it ends at the last ')'). */
export function parseStat(stat: string): { comm: string; ppid: number } | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? { comm: stat.slice(open + 1, close), ppid } : undefined;
}

export function agentProcess(pid: number, proc = '/proc'): number {
  let p = pid;
  for (let i = 0; i < MAX_HOPS; i++) {
    let stat: string;
    try {
      stat = readFileSync(`${proc}/${p}/stat`, 'utf8');
    } catch {
      return p;
    }
    const s = parseStat(stat);
    if (s === undefined || !SHELLS.has(s.comm) || s.ppid <= 1) return p;
    p = s.ppid;
  }
  return p;
}

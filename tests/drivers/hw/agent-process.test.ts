import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentProcess, parseStat } from '#drivers/hw/agent-process.js';
import { tempDir } from '../../helpers/audit.js';

describe('the agent behind a hook (through the shell that ran it)', () => {
  it('parses comm and ppid even when comm holds spaces and parentheses', () => {
    expect(parseStat('4242 (node) S 17 4242 4242 0 -1 4194560 …')).toEqual({ comm: 'node', ppid: 17 });
    expect(parseStat('77 (my (odd) name) R 5 77 77 0')).toEqual({ comm: 'my (odd) name', ppid: 5 });
    expect(parseStat('garbage')).toBeUndefined();
  });

  it('walks up through shells only, at most a few levels, and stops at init', () => {
    const proc = tempDir('aegis-agentproc-');
    const stat = (pid: number, comm: string, ppid: number): void => {
      mkdirSync(join(proc, String(pid)), { recursive: true });
      writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1\n`);
    };
    stat(100, 'claude', 50); // the agent
    stat(200, 'sh', 100); // `/bin/sh -c <hook command>`
    stat(300, 'bash', 200);
    stat(400, 'sh', 1); // a shell whose parent is init: itself
    expect(agentProcess(300, proc)).toBe(100);
    expect(agentProcess(200, proc)).toBe(100);
    expect(agentProcess(100, proc)).toBe(100);
    expect(agentProcess(400, proc)).toBe(400);
    expect(agentProcess(999, proc)).toBe(999); // gone: keep what we were given
  });

  it('on this host: the shell a command runs in resolves to the process that started it', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 2; true']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(agentProcess(child.pid as number)).toBe(process.pid);
    } finally {
      child.kill();
    }
  });
});

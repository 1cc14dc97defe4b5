import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '#cli/main.js';
import { repoRoot } from './fixtures.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aegis <args>` in-process with captured output and the given environment overrides. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (s) => (stdout += s.endsWith('\n') ? s : s + '\n'),
    err: (s) => (stderr += s.endsWith('\n') ? s : s + '\n'),
    env: { ...process.env, ...env },
  });
  return { code, stdout, stderr };
}

/** Runs the CLI from source in a child process (tsx), for crash, signal and stdin tests. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  input?: string | Buffer,
): CliResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'entry.ts'), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

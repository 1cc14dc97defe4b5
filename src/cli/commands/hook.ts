import type { Command } from 'commander';
import { failAnswer } from '../../hook/answer.js';
import { MAX_HOOK_INPUT_BYTES } from '../../hook/protocol.js';
import { runHook } from '../../hook/run.js';
import { readInputFile } from '../input.js';
import { exitState } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';

/** Reads stdin up to `limit` bytes (one more tells "too large" apart without holding unbounded input). */
async function readStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin) {
    const b = c as Buffer;
    chunks.push(b);
    n += b.byteLength;
    if (n > limit) break;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * `aegis hook`: the in-process hook path. Claude Code normally runs the sh shim, which calls this only when
 * the daemon did not answer; it can also be configured as the hook command directly (slower: Node start-up).
 * Never throws: every failure is answered by the fail policy (exit 0 + JSON, or exit 2).
 */
export const hookCommand: CommandModule = {
  register(program: Command, io: CliIo): void {
    program
      .command('hook')
      .description(
        'answer one Claude Code hook event (JSON on stdin) via the daemon, starting it when needed; on failure answer by the fail policy',
      )
      .option('--input <file>', 'read the event from a file instead of stdin')
      .option(
        '--no-start',
        'do not start the daemon when it is not running (also: AEGIS_HOOK_START_DAEMON=0)',
      )
      .action(async (opts: { input?: string; start: boolean }) => {
        let answer;
        try {
          const input =
            opts.input !== undefined
              ? readInputFile(opts.input, 'hook input', 4 * MAX_HOOK_INPUT_BYTES)
              : await readStdin(4 * MAX_HOOK_INPUT_BYTES);
          answer = await runHook(input, { env: io.env, ...(opts.start ? {} : { startDaemon: false }) });
        } catch (e) {
          answer = failAnswer(
            'deny',
            undefined,
            `the hook could not read its input (${(e as { code?: string }).code ?? 'error'})`,
          );
        }
        if (answer.stdout !== '') io.out(answer.stdout);
        if (answer.stderr !== '') io.err(answer.stderr);
        exitState.code = answer.exit;
      });
  },
};

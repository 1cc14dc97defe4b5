// Node entry of the hook fallback (what the sh shim runs when the daemon did not answer). It imports only the
// hook path, not the whole CLI, so the fallback starts 2–3x faster than `aegis hook`; same behaviour.
import { failAnswer } from './answer.js';
import { MAX_HOOK_INPUT_BYTES } from './protocol.js';
import { runHook } from './run.js';

async function readStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    n += (c as Buffer).byteLength;
    if (n > limit) break;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

let answer;
try {
  answer = await runHook(await readStdin(4 * MAX_HOOK_INPUT_BYTES), { env: process.env });
} catch {
  answer = failAnswer('deny', undefined, 'the hook fallback failed');
}
if (answer.stdout !== '') process.stdout.write(answer.stdout + '\n');
if (answer.stderr !== '') process.stderr.write(answer.stderr + '\n');
process.exitCode = answer.exit;

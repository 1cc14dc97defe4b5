/**
 * The board simulator as a child process (docs/fpga.md, "pty bridge"): it owns a pseudo-terminal through
 * pty_helper.py and plays the board over the real wire protocol. Prints "PTY <path>" once ready.
 *   node --import tsx firmware-sim/fpga/pty-board-main.ts <model-file> <lanes> <clock-khz> [uart-baud]
 * With uart-baud > 0 each reply is held back by the UART wire time of request + reply at that rate (10 bits per
 * byte), since a pty does not emulate a baud rate; 0 sends at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelHash, parseModel } from '#judge/judgenet/model.js';
import { BoardSim } from './board.js';
import { simSourceDir } from './rtl-build.js';

const [modelPath, lanesArg, clockArg, baudArg] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(modelPath ?? ''));
const board = new BoardSim(parseModel(bytes), modelHash(bytes), Number(lanesArg), Number(clockArg));
const baud = Number(baudArg ?? '0');
const helperPath = [
  join(dirname(fileURLToPath(import.meta.url)), 'pty_helper.py'),
  join(simSourceDir, 'pty_helper.py'),
].find((p) => existsSync(p));
const helper = spawn('python3', [helperPath ?? 'pty_helper.py'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
let header = '';
let ready = false;
let inBytes = 0;
helper.stdout.on('data', (b: Buffer) => {
  let data = b;
  if (!ready) {
    header += b.toString('latin1');
    const nl = header.indexOf('\n');
    if (nl < 0) return;
    ready = true;
    process.stdout.write(`PTY ${header.slice(0, nl)}\n`);
    data = Buffer.from(header.slice(nl + 1), 'latin1');
  }
  inBytes += data.length;
  for (const reply of board.receive(new Uint8Array(data))) {
    const wireMs = baud > 0 ? ((inBytes + reply.length) * 10 * 1000) / baud : 0;
    inBytes = 0;
    const send = (): boolean => helper.stdin.write(reply);
    if (wireMs > 0) setTimeout(send, wireMs);
    else send();
  }
});
helper.on('exit', () => process.exit(0));
process.on('SIGTERM', () => {
  helper.kill('SIGTERM');
  process.exit(0);
});
process.stdin.on('end', () => {
  helper.kill('SIGTERM');
  process.exit(0);
});
process.stdin.resume();

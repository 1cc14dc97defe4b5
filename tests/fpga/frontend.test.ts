import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelHash, parseModel } from '#judge/judgenet/model.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { cosimVectors } from '#firmware-sim/fpga/cosim.js';
import { runFrontend } from '#firmware-sim/fpga/frontend-sim.js';
import { encodeFrame } from '#fpga/protocol/frame.js';
import { Opcode, Reg } from '#fpga/protocol/generated.js';
import { haveCommand, repoRoot } from '../helpers/fixtures.js';

const bytes = new Uint8Array(readFileSync(join(repoRoot, 'fpga', 'model', 'judgenet-h8.ajn')));
const model = parseModel(bytes);
const hash = modelHash(bytes);
const cat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Every opcode, a good INFER, and the error paths: bad CRC, truncated COBS block, short frame, bad register. */
function requests(): Uint8Array {
  const [x] = cosimVectors(model, 2, 21).slice(1);
  const badCrc = encodeFrame({ opcode: Opcode.PING, seq: 9, body: new Uint8Array(0) });
  badCrc[3] = (badCrc[3] as number) ^ 0x40 || 0x41;
  return cat([
    encodeFrame({ opcode: Opcode.PING, seq: 1, body: new Uint8Array(0) }),
    encodeFrame({ opcode: Opcode.INFO, seq: 2, body: new Uint8Array(0) }),
    encodeFrame({ opcode: Opcode.INFER, seq: 3, body: new Uint8Array((x as Int8Array).buffer) }),
    encodeFrame({ opcode: Opcode.READ_REG, seq: 4, body: Uint8Array.of(Reg.LAST_CYCLES, 0) }),
    encodeFrame({ opcode: Opcode.READ_REG, seq: 5, body: Uint8Array.of(0x99, 0) }),
    encodeFrame({ opcode: Opcode.INFER, seq: 6, body: new Uint8Array(7) }),
    encodeFrame({ opcode: 0x42, seq: 7, body: new Uint8Array(0) }),
    badCrc,
    Uint8Array.of(0x05, 0x11, 0x22, 0x00),
    Uint8Array.of(0x02, 0x11, 0x00),
    encodeFrame({ opcode: Opcode.READ_REG, seq: 8, body: Uint8Array.of(Reg.CRC_ERRORS, 0) }),
  ]);
}

describe.each(['iverilog', 'verilator'] as const)('RTL front end (UART, COBS, CRC-32C) with %s', (sim) => {
  it.skipIf(!haveCommand(sim))('answers byte for byte like the board simulator', async () => {
    const req = requests();
    const want = cat(new BoardSim(model, hash, 8, 12_000).receive(req));
    const got = await runFrontend(model, hash, 8, sim, req);
    expect(got.length).toBeGreaterThan(200);
    expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(want).toString('hex'));
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelHash, parseModel } from '#judge/judgenet/model.js';
import { inferReference, outputsEqual } from '#judge/judgenet/reference.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { openSerialTransport } from '#drivers/fpga/serial-transport.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { cosimVectors } from '#firmware-sim/fpga/cosim.js';
import { startPtyBoard, type PtyBoard } from '#firmware-sim/fpga/pty-bridge.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';
import { encodeFrame, decodeFrame } from '#fpga/protocol/frame.js';
import { ERROR_OPCODE, Reg, Status } from '#fpga/protocol/generated.js';
import { haveCommand, repoRoot } from '../helpers/fixtures.js';

const modelPath = join(repoRoot, 'fpga', 'model', 'judgenet-h32.ajn');
const bytes = new Uint8Array(readFileSync(modelPath));
const model = parseModel(bytes);
const hash = modelHash(bytes);
const vectors = cosimVectors(model, 4, 11);

describe('FpgaLink over the in-process simulator', () => {
  it('reports INFO and registers, and infers bit-exactly', async () => {
    const link = new WireFpgaLink('sim', simTransport(new BoardSim(model, hash, 32, 48_000)));
    expect(await link.info()).toEqual({
      lanes: 32,
      hidden: 32,
      inputDim: 2080,
      nSubfields: 30,
      clockKhz: 48_000,
      modelHash: hash,
    });
    for (const x of vectors) expect(outputsEqual(await link.infer(x), inferReference(model, x))).toBe(true);
    expect(await link.readRegister(Reg.INFER_COUNT)).toBe(vectors.length);
    expect(await link.readRegister(Reg.ID)).toBe(0x314e4a41);
    await expect(link.readRegister(0x400)).rejects.toMatchObject({ code: 'FPGA_DEVICE_ERROR' });
    await expect(link.infer(new Int8Array(5))).rejects.toMatchObject({ code: 'FPGA_DEVICE_ERROR' });
    await link.close();
  });

  it('the board answers a corrupted frame with BAD_CRC and counts it', () => {
    const board = new BoardSim(model, hash, 8, 12_000);
    const f = encodeFrame({ opcode: 1, seq: 1, body: new Uint8Array(0) });
    f[2] = (f[2] as number) ^ 0x01 || 0x02;
    const [reply] = board.receive(f);
    const d = decodeFrame((reply as Uint8Array).subarray(0, (reply as Uint8Array).length - 1));
    expect(d.ok && d.frame.opcode === ERROR_OPCODE && d.frame.body[0] === Status.BAD_CRC).toBe(true);
    expect(board.register(Reg.CRC_ERRORS)).toBe(1);
  });

  it('times out with FPGA_TIMEOUT when the device is silent', async () => {
    const silent = new WireFpgaLink(
      'serial',
      { write: async () => undefined, onData: () => undefined, close: async () => undefined },
      50,
    );
    await expect(silent.info()).rejects.toMatchObject({ code: 'FPGA_TIMEOUT' });
  });
});

const havePython = haveCommand('python3');

describe.skipIf(!havePython)('FpgaLink over serialport to the pty bridge (simulator child process)', () => {
  let board: PtyBoard;
  beforeAll(async () => {
    board = await startPtyBoard(modelPath, 64, 100_000);
  });
  afterAll(async () => {
    await board?.close();
  });

  it('speaks the real framing through a pseudo-terminal and agrees with the reference', async () => {
    expect(board.path).toMatch(/^\/dev\/pts\//);
    const link = new WireFpgaLink('pty', await openSerialTransport(board.path));
    expect((await link.info()).modelHash).toBe(hash);
    for (const x of vectors) {
      const r = await link.infer(x);
      expect(outputsEqual(r, inferReference(model, x))).toBe(true);
      expect(r.cycles).toBe(2080 + 51 * 32 + 3 * 32 + 1 + 30 * 32);
    }
    await link.close();
  });
});

describe('serial transport', () => {
  it('fails with FPGA_SERIAL_OPEN_FAILED for a missing device', async () => {
    await expect(openSerialTransport('/dev/does-not-exist-aegis')).rejects.toMatchObject({
      code: 'FPGA_SERIAL_OPEN_FAILED',
    });
  });
});

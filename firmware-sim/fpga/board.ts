import { fail } from '#core/errors.js';
import { fromHex } from '#core/encoding.js';
import type { JudgeNetModel } from '#judge/judgenet/model.js';
import { decodeFrame, encodeFrame, FrameSplitter } from '#fpga/protocol/frame.js';
import {
  ERROR_OPCODE,
  ID_VALUE,
  Opcode,
  PROTO_VERSION,
  Reg,
  RESPONSE_FLAG,
  Status,
} from '#fpga/protocol/generated.js';
import { encodeInferBody, encodeInfoBody, u32Body } from '#fpga/protocol/messages.js';
import { JudgeCoreModel } from './cycle-model.js';

/**
 * A simulated board: the wire protocol front end (COBS, CRC-32C, opcodes, register map) in front of the cycle
 * model, answering byte for byte what fpga/rtl's front end answers. Feed it host bytes; it returns the bytes
 * the board would send back.
 */
export class BoardSim {
  readonly core: JudgeCoreModel;
  private readonly splitter = new FrameSplitter();
  private lastCycles = 0;
  private inferCount = 0;
  private crcErrors = 0;

  constructor(
    readonly model: JudgeNetModel,
    readonly modelHash: string,
    readonly lanes: number,
    readonly clockKhz: number,
  ) {
    if (!/^[0-9a-f]{64}$/.test(modelHash)) fail('MODEL_INVALID', 'model hash must be 64 hex characters');
    this.core = new JudgeCoreModel(model, lanes);
  }

  receive(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.splitter.push(bytes, (enc) => out.push(this.handle(enc)));
    return out;
  }

  private handle(enc: Uint8Array): Uint8Array {
    const d = decodeFrame(enc);
    if (!d.ok) {
      if (d.reason === 'crc') this.crcErrors++;
      const status = d.reason === 'crc' ? Status.BAD_CRC : Status.BAD_LENGTH;
      return encodeFrame({ opcode: ERROR_OPCODE, seq: 0, body: Uint8Array.of(status) });
    }
    const { opcode, seq, body } = d.frame;
    const reply = (b: Uint8Array): Uint8Array =>
      encodeFrame({ opcode: opcode | RESPONSE_FLAG, seq, body: b });
    switch (opcode) {
      case Opcode.PING:
        return reply(u32Body(Status.OK, ID_VALUE));
      case Opcode.INFO:
        return reply(
          encodeInfoBody(Status.OK, {
            proto: PROTO_VERSION,
            lanes: this.lanes,
            hidden: this.model.hidden,
            inputDim: this.model.inputDim,
            nSubfields: this.model.subfieldLengths.length,
            clockKhz: this.clockKhz,
            modelHash: fromHex(this.modelHash),
          }),
        );
      case Opcode.INFER: {
        if (body.length !== this.model.inputDim) return reply(Uint8Array.of(Status.BAD_LENGTH));
        const r = this.core.run(new Int8Array(body.buffer, body.byteOffset, body.byteLength));
        this.lastCycles = r.cycles;
        this.inferCount++;
        return reply(encodeInferBody(Status.OK, r));
      }
      case Opcode.READ_REG: {
        if (body.length !== 2) return reply(Uint8Array.of(Status.BAD_LENGTH));
        const v = this.register((body[0] as number) | ((body[1] as number) << 8));
        return v === undefined ? reply(Uint8Array.of(Status.BAD_REG)) : reply(u32Body(Status.OK, v));
      }
      default:
        return reply(Uint8Array.of(Status.BAD_OPCODE));
    }
  }

  register(addr: number): number | undefined {
    switch (addr) {
      case Reg.ID:
        return ID_VALUE;
      case Reg.PROTO_VERSION:
        return PROTO_VERSION;
      case Reg.LANES:
        return this.lanes;
      case Reg.HIDDEN:
        return this.model.hidden;
      case Reg.INPUT_DIM:
        return this.model.inputDim;
      case Reg.LAST_CYCLES:
        return this.lastCycles;
      case Reg.INFER_COUNT:
        return this.inferCount;
      case Reg.CRC_ERRORS:
        return this.crcErrors;
      case Reg.CLOCK_KHZ:
        return this.clockKhz;
      default:
        return undefined;
    }
  }
}

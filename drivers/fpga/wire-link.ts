import { fail } from '#core/errors.js';
import { toHex } from '#core/encoding.js';
import type {
  ByteTransport,
  FpgaDeviceInfo,
  FpgaInference,
  FpgaLink,
  FpgaTransportKind,
} from '#device/fpga.js';
import { decodeFrame, encodeFrame, FrameSplitter, type Frame } from '#fpga/protocol/frame.js';
import { ERROR_OPCODE, Opcode, RESPONSE_FLAG, Status } from '#fpga/protocol/generated.js';
import { decodeInferBody, decodeInfoBody } from '#fpga/protocol/messages.js';

const STATUS_NAMES = new Map(Object.entries(Status).map(([k, v]) => [v as number, k]));

/**
 * FpgaLink over any ByteTransport speaking the JudgeNet wire protocol (docs/fpga.md, "Wire protocol"):
 * one request in flight, matched by seq; a bad frame from the device is FPGA_PROTOCOL_ERROR, a non-OK status
 * FPGA_DEVICE_ERROR, silence FPGA_TIMEOUT.
 */
export class WireFpgaLink implements FpgaLink {
  private seq = 0;
  private pending: { seq: number; resolve: (f: Frame) => void; reject: (e: unknown) => void } | undefined;
  private readonly splitter = new FrameSplitter();
  private nSubfields = 30;

  constructor(
    readonly kind: FpgaTransportKind,
    private readonly transport: ByteTransport,
    private readonly timeoutMs = 5000,
  ) {
    transport.onData((bytes) => this.splitter.push(bytes, (enc) => this.onFrame(enc)));
  }

  private onFrame(enc: Uint8Array): void {
    const p = this.pending;
    if (p === undefined) return; // stray bytes (e.g. a board's boot noise) are dropped
    const d = decodeFrame(enc);
    if (!d.ok) {
      this.pending = undefined;
      p.reject(new BadFrame(`bad frame from device (${d.reason})`));
      return;
    }
    if (d.frame.seq !== p.seq && d.frame.opcode !== ERROR_OPCODE) return;
    this.pending = undefined;
    p.resolve(d.frame);
  }

  private async request(opcode: number, body: Uint8Array): Promise<Uint8Array> {
    if (this.pending !== undefined) fail('FPGA_BUSY', 'one request at a time per FPGA link');
    const seq = (this.seq = (this.seq + 1) & 0xff);
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Frame>((resolve, reject) => {
      this.pending = { seq, resolve, reject };
      timer = setTimeout(() => {
        this.pending = undefined;
        reject(new AegisTimeout());
      }, this.timeoutMs);
    });
    try {
      await this.transport.write(encodeFrame({ opcode, seq, body }));
      const f = await reply;
      if (f.opcode === ERROR_OPCODE || f.body.length === 0)
        fail(
          'FPGA_DEVICE_ERROR',
          `device rejected the request: ${STATUS_NAMES.get(f.body[0] ?? -1) ?? 'unknown status'}`,
        );
      if (f.opcode !== (opcode | RESPONSE_FLAG))
        fail('FPGA_PROTOCOL_ERROR', `response opcode ${f.opcode} to request ${opcode}`);
      const status = f.body[0] as number;
      if (status !== Status.OK)
        fail('FPGA_DEVICE_ERROR', `device status ${STATUS_NAMES.get(status) ?? status}`, { status });
      return f.body;
    } catch (e) {
      if (e instanceof AegisTimeout)
        fail('FPGA_TIMEOUT', `no response from the ${this.kind} device within ${this.timeoutMs} ms`);
      if (e instanceof BadFrame) fail('FPGA_PROTOCOL_ERROR', e.message);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async info(): Promise<FpgaDeviceInfo> {
    const i = decodeInfoBody(await this.request(Opcode.INFO, new Uint8Array(0)));
    if (i === undefined) fail('FPGA_PROTOCOL_ERROR', 'INFO response has the wrong length');
    this.nSubfields = i.nSubfields;
    return {
      lanes: i.lanes,
      hidden: i.hidden,
      inputDim: i.inputDim,
      nSubfields: i.nSubfields,
      clockKhz: i.clockKhz,
      modelHash: toHex(i.modelHash),
    };
  }

  async infer(xq: Int8Array): Promise<FpgaInference> {
    const body = await this.request(Opcode.INFER, new Uint8Array(xq.buffer, xq.byteOffset, xq.byteLength));
    const r = decodeInferBody(body, this.nSubfields);
    if (r === undefined) fail('FPGA_PROTOCOL_ERROR', 'INFER response has the wrong length');
    return r;
  }

  async readRegister(addr: number): Promise<number> {
    const body = await this.request(Opcode.READ_REG, Uint8Array.of(addr & 0xff, (addr >> 8) & 0xff));
    if (body.length !== 5) fail('FPGA_PROTOCOL_ERROR', 'READ_REG response has the wrong length');
    return new DataView(body.buffer, body.byteOffset).getUint32(1, true);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

class AegisTimeout extends Error {}
class BadFrame extends Error {}

/**
 * FPGA judge device interfaces (DESIGN.md: src/device holds interfaces only). Implementations:
 * drivers/fpga (the wire protocol over serialport: a board or the pty bridge) and firmware-sim/fpga (the
 * in-process cycle model behind the same wire protocol).
 */

/** What the device reports about itself (INFO; fpga/protocol/protocol.json). */
export interface FpgaDeviceInfo {
  lanes: number;
  hidden: number;
  inputDim: number;
  nSubfields: number;
  clockKhz: number;
  /** SHA3-256 of the model file the device was built with, hex. */
  modelHash: string;
}

/** One inference as the device returns it; `cycles` comes from the device's own cycle counter. */
export interface FpgaInference {
  logits: Int32Array;
  verdict: number;
  confidence: number;
  attribution: Int32Array;
  cycles: number;
}

export type FpgaTransportKind = 'sim' | 'pty' | 'serial';

export interface FpgaLink {
  readonly kind: FpgaTransportKind;
  info(): Promise<FpgaDeviceInfo>;
  /** x_q: the per-subfield int8 quantised ATV (input_dim bytes). */
  infer(xq: Int8Array): Promise<FpgaInference>;
  readRegister(addr: number): Promise<number>;
  close(): Promise<void>;
}

/** A byte pipe to a device (serial port, pty, or an in-process simulator). */
export interface ByteTransport {
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (bytes: Uint8Array) => void): void;
  close(): Promise<void>;
}

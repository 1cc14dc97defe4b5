import { SerialPort } from 'serialport';
import { fail } from '#core/errors.js';
import type { ByteTransport } from '#device/fpga.js';
import { DEFAULT_BAUD } from '#fpga/protocol/generated.js';

/**
 * ByteTransport over a serial device with serialport (a board's USB-UART, or the slave side of the simulator's
 * pseudo-terminal). A pty ignores the baud rate (../shared/reference/hardware-interfaces.md §11).
 */
export async function openSerialTransport(path: string, baudRate = DEFAULT_BAUD): Promise<ByteTransport> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve()))).catch(
    (e: unknown) =>
      fail('FPGA_SERIAL_OPEN_FAILED', `cannot open serial device ${path}: ${(e as Error).message}`),
  );
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (e) =>
          e ? reject(e) : port.drain((d) => (d ? reject(d) : resolve())),
        );
      }),
    onData: (listener) => {
      port.on('data', (b: Buffer) => listener(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
    },
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

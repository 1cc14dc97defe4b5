import type { ByteTransport } from '#device/fpga.js';
import type { BoardSim } from './board.js';

/**
 * In-process ByteTransport into a BoardSim: the full wire protocol without an OS device, so the in-process
 * simulator exercises the same driver code (drivers/fpga/wire-link.ts) as a board. Replies arrive on a later
 * tick, like bytes from a port.
 */
export function simTransport(board: BoardSim): ByteTransport {
  const listeners: ((b: Uint8Array) => void)[] = [];
  let open = true;
  return {
    write: async (bytes) => {
      if (!open) return;
      const replies = board.receive(bytes);
      for (const r of replies) setImmediate(() => listeners.forEach((l) => l(r)));
    },
    onData: (l) => listeners.push(l),
    close: async () => {
      open = false;
    },
  };
}

import { AegisError } from '#core/errors.js';
import { ByteWriter } from '#core/bytes.js';
import { openSocket, type SocketTarget } from './socket-transport.js';

/**
 * swtpm's control channel (`--ctrl type=tcp|unixio`; swtpm's man page swtpm-ioctls / swtpm_ioctl):
 * request = UINT32 command ‖ payload, response = UINT32 result ‖ payload, big-endian. We need three commands:
 * power-on initialisation, capability probe and shutdown (which makes the process exit).
 */
export const SWTPM_CMD = { GET_CAPABILITY: 1, INIT: 2, SHUTDOWN: 3 } as const;

async function ctrl(target: SocketTarget, request: Uint8Array, responseBytes: number): Promise<Uint8Array> {
  const s = await openSocket(target, 'swtpm control channel');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new AegisError('TPM_TRANSPORT_TIMEOUT', 'swtpm control channel did not answer'));
    }, 10_000);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length >= responseBytes) {
        clearTimeout(timer);
        s.destroy();
        resolve(new Uint8Array(all.subarray(0, responseBytes)));
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      if (all.length >= 4) resolve(new Uint8Array(all));
      else reject(new AegisError('TPM_TRANSPORT_FAILED', 'swtpm control channel closed without an answer'));
    });
    s.write(request);
  });
}

function result(b: Uint8Array, what: string): void {
  const rc = ((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number);
  if (rc !== 0) throw new AegisError('TPM_TRANSPORT_FAILED', `swtpm ${what} returned ${rc >>> 0}`);
}

/** CMD_INIT: a power cycle (TPM_Init). The next TPM2_Startup(CLEAR) is a TPM Reset: resetCount goes up. */
export async function swtpmInit(target: SocketTarget): Promise<void> {
  result(await ctrl(target, new ByteWriter().u32be(SWTPM_CMD.INIT).u32be(0).finish(), 4), 'CMD_INIT');
}

/** CMD_SHUTDOWN: swtpm saves its state and exits. */
export async function swtpmShutdown(target: SocketTarget): Promise<void> {
  result(await ctrl(target, new ByteWriter().u32be(SWTPM_CMD.SHUTDOWN).finish(), 4), 'CMD_SHUTDOWN');
}

/** CMD_GET_CAPABILITY: the bitmap of control commands this swtpm supports. */
export async function swtpmCapabilities(target: SocketTarget): Promise<number> {
  const b = await ctrl(target, new ByteWriter().u32be(SWTPM_CMD.GET_CAPABILITY).finish(), 8);
  result(b, 'CMD_GET_CAPABILITY');
  return (
    (((b[4] as number) << 24) | ((b[5] as number) << 16) | ((b[6] as number) << 8) | (b[7] as number)) >>> 0
  );
}

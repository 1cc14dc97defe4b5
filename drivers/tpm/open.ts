import { fail } from '#core/errors.js';
import type { TpmTransport } from '#device/tpm.js';
import { DeviceTransport } from './device-transport.js';
import { assertPort, SocketTransport, type SocketTarget } from './socket-transport.js';

/**
 * Parses a TPM location as `aegis init --tpm` takes it: `swtpm:HOST:PORT` (raw command channel over TCP),
 * `unix:PATH` (swtpm unixio socket) or a device path such as `/dev/tpmrm0`.
 */
export type TpmLocation = { kind: 'socket'; target: SocketTarget } | { kind: 'device'; path: string };

export function parseTpmLocation(spec: string): TpmLocation {
  if (spec.startsWith('swtpm:')) {
    const m = /^swtpm:(.+):(\d+)$/.exec(spec);
    if (m === null) fail('USAGE', `TPM location "${spec}" is not swtpm:HOST:PORT`);
    return { kind: 'socket', target: { host: m[1] as string, port: assertPort(Number(m[2])) } };
  }
  if (spec.startsWith('unix:')) {
    const path = spec.slice(5);
    if (path === '') fail('USAGE', 'TPM location unix: needs a socket path');
    return { kind: 'socket', target: { path } };
  }
  if (spec.startsWith('/dev/')) return { kind: 'device', path: spec };
  return fail('USAGE', `TPM location "${spec}" is not swtpm:HOST:PORT, unix:PATH or /dev/tpmrm0`);
}

/** The socket target of the swtpm control channel that conventionally goes with a data channel. */
export function controlTarget(data: SocketTarget): SocketTarget {
  return 'path' in data ? { path: `${data.path}.ctrl` } : { host: data.host, port: data.port + 1 };
}

export async function openTpmTransport(spec: string | TpmLocation): Promise<TpmTransport> {
  const loc = typeof spec === 'string' ? parseTpmLocation(spec) : spec;
  return loc.kind === 'device' ? DeviceTransport.open(loc.path) : SocketTransport.open(loc.target);
}

import { join } from 'node:path';
import type { AegisHome } from '../appliance/home.js';
import { fail } from '../core/errors.js';

/** Where the daemon keeps its socket, pidfile, own log and persisted approvals inside $AEGIS_HOME. */
export interface DaemonPaths {
  home: AegisHome;
  /** Unix socket the hook shim posts to (mode 0600, in the 0700 home). */
  socket: string;
  /** Holds the daemon's pid; created with O_EXCL, so it is also the single-instance lock. */
  pidfile: string;
  /** The detached daemon's stdout/stderr (operational messages only, never decisions or secrets). */
  daemonLog: string;
  /** `--always` approvals survive restarts here. */
  approvals: string;
}

/** sockaddr_un.sun_path is 108 bytes on Linux including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export function daemonPaths(home: AegisHome): DaemonPaths {
  const socket = join(home.root, 'daemon.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH)
    fail(
      'DAEMON_SOCKET_PATH_TOO_LONG',
      `socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter AEGIS_HOME`,
    );
  return {
    home,
    socket,
    pidfile: join(home.state, 'daemon.pid'),
    daemonLog: join(home.state, 'daemon.log'),
    approvals: join(home.state, 'approvals.json'),
  };
}

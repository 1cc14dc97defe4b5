import { connect, type Socket } from 'node:net';
import { AegisError, fail } from '#core/errors.js';
import type { TpmTransport } from '#device/tpm.js';
import { responseLength } from '#attestation/tpm/command.js';

/** A TCP endpoint or a unix socket path. */
export type SocketTarget = { host: string; port: number } | { path: string };

/** Largest response we accept: TPM responses are bounded by TPM_PT_MAX_RESPONSE_SIZE (4 KiB on most TPMs). */
const MAX_RESPONSE = 64 * 1024;

export function describeTarget(t: SocketTarget): string {
  return 'path' in t ? `unix:${t.path}` : `${t.host}:${t.port}`;
}

/** Opens a stream socket, mapping "nothing there" to TPM_NOT_PRESENT. */
export function openSocket(target: SocketTarget, what: string, timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s =
      'path' in target ? connect({ path: target.path }) : connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new AegisError(
          'TPM_TRANSPORT_TIMEOUT',
          `${what} at ${describeTarget(target)} did not accept a connection in ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.setNoDelay?.(true);
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const absent = e.code === 'ECONNREFUSED' || e.code === 'ENOENT';
      reject(
        new AegisError(
          absent ? 'TPM_NOT_PRESENT' : 'TPM_TRANSPORT_FAILED',
          `${what} at ${describeTarget(target)} ${absent ? 'is not present (nothing listening)' : `cannot be reached (${e.code ?? 'error'})`}`,
        ),
      );
    });
  });
}

/**
 * The raw TPM command channel of swtpm (`--server type=tcp` or `type=unixio`): the bare command goes out,
 * the bare response comes back, its length in the header (../shared/reference/hardware-interfaces.md §9).
 * swtpm serves one client at a time, so hold one transport per swtpm instance.
 */
export class SocketTransport implements TpmTransport {
  readonly description: string;
  readonly simulated = true;
  private chain: Promise<unknown> = Promise.resolve();
  private pending:
    | {
        resolve: (b: Uint8Array) => void;
        reject: (e: Error) => void;
        chunks: Buffer[];
        timer: NodeJS.Timeout;
      }
    | undefined;
  private dead: AegisError | undefined;

  private constructor(
    private readonly socket: Socket,
    target: SocketTarget,
    private readonly timeoutMs: number,
  ) {
    this.description = `swtpm ${'path' in target ? 'unix' : 'tcp'} ${describeTarget(target)}`;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      this.kill(new AegisError('TPM_TRANSPORT_FAILED', `TPM connection failed (${e.code ?? 'error'})`)),
    );
    socket.on('close', () =>
      this.kill(new AegisError('TPM_TRANSPORT_FAILED', 'the TPM closed the connection')),
    );
  }

  static async open(target: SocketTarget, timeoutMs = 30_000): Promise<SocketTransport> {
    return new SocketTransport(await openSocket(target, 'swtpm'), target, timeoutMs);
  }

  send(command: Uint8Array): Promise<Uint8Array> {
    const run = this.chain.then(() => this.exchange(command));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private exchange(command: Uint8Array): Promise<Uint8Array> {
    if (this.dead !== undefined) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.kill(
            new AegisError('TPM_TRANSPORT_TIMEOUT', `the TPM did not answer within ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
      this.pending = { resolve, reject, chunks: [], timer };
      this.socket.write(command);
    });
  }

  private onData(d: Buffer): void {
    const p = this.pending;
    if (p === undefined)
      return this.kill(new AegisError('TPM_RESPONSE_MALFORMED', 'the TPM sent bytes nobody asked for'));
    p.chunks.push(d);
    const all = Buffer.concat(p.chunks);
    const len = responseLength(all);
    if (len === undefined) return;
    if (len < 10 || len > MAX_RESPONSE)
      return this.kill(new AegisError('TPM_RESPONSE_MALFORMED', `TPM response claims ${len} bytes`));
    if (all.length < len) return;
    if (all.length > len)
      return this.kill(
        new AegisError('TPM_RESPONSE_MALFORMED', 'the TPM sent more bytes than its response header says'),
      );
    clearTimeout(p.timer);
    this.pending = undefined;
    p.resolve(new Uint8Array(all));
  }

  private kill(e: AegisError): void {
    if (this.dead === undefined) this.dead = e;
    const p = this.pending;
    this.pending = undefined;
    if (p !== undefined) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.socket.destroy();
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
    this.dead ??= new AegisError('TPM_TRANSPORT_FAILED', 'the TPM transport is closed');
  }
}

export function assertPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('USAGE', `port ${port} is not a TCP port`);
  return port;
}

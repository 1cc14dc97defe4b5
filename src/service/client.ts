import { request } from 'node:http';
import { AegisError, isErrorCode } from '../core/errors.js';

export interface SocketResponse {
  status: number;
  body: Buffer;
}

/**
 * One HTTP request to the daemon over its unix socket. Connection failures become DAEMON_UNREACHABLE (with
 * the errno in detail, so callers can tell "no daemon" from "daemon died mid-request"); a timeout becomes
 * DAEMON_TIMEOUT. Used by `aegis hook`, `aegis approve|deny` and `aegis daemon status|stop`.
 */
export function socketRequest(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: { bytes: Uint8Array; type: string; headers?: Record<string, string> },
  timeoutMs = 10_000,
): Promise<SocketResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      Object.assign(headers, body.headers);
      headers['content-type'] = body.type;
      headers['content-length'] = body.bytes.byteLength;
    }
    const req = request({ socketPath, method, path, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(unreachable(socketPath, e)));
      res.on('aborted', () =>
        reject(
          new AegisError('DAEMON_UNREACHABLE', 'the daemon closed the connection mid-answer', {
            detail: { errno: 'ECONNRESET' },
          }),
        ),
      );
      res.on('end', () => {
        if (res.complete) resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        else
          reject(
            new AegisError('DAEMON_UNREACHABLE', 'the daemon closed the connection mid-answer', {
              detail: { errno: 'ECONNRESET' },
            }),
          );
      });
    });
    req.on('timeout', () => {
      req.destroy();
      reject(new AegisError('DAEMON_TIMEOUT', `the daemon did not answer within ${timeoutMs} ms`));
    });
    req.on('error', (e) => reject(unreachable(socketPath, e)));
    if (body !== undefined)
      req.end(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength));
    else req.end();
  });
}

function unreachable(socketPath: string, e: Error): AegisError {
  const errno = (e as NodeJS.ErrnoException).code ?? 'error';
  return new AegisError('DAEMON_UNREACHABLE', `no Aegis daemon answers on ${socketPath} (${errno})`, {
    detail: { errno },
  });
}

/** JSON request/response helper for the daemon's JSON routes; non-2xx answers become their AegisError. */
export async function socketJson(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  value?: unknown,
  timeoutMs = 10_000,
): Promise<unknown> {
  const body =
    value === undefined
      ? undefined
      : { bytes: new TextEncoder().encode(JSON.stringify(value)), type: 'application/json' };
  const res = await socketRequest(socketPath, method, path, body, timeoutMs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new AegisError(
      'DAEMON_BAD_ANSWER',
      `the daemon answered ${method} ${path} with something that is not JSON`,
    );
  }
  if (res.status >= 200 && res.status < 300) return parsed;
  const first = (parsed as { errors?: Array<{ code?: unknown; message?: unknown }> }).errors?.[0];
  const message = typeof first?.message === 'string' ? first.message : `the daemon answered ${res.status}`;
  if (!isErrorCode(first?.code)) {
    // A code this CLI does not know (another daemon version, another program): never pass it on as one of ours.
    const got = typeof first?.code === 'string' ? first.code.slice(0, 64) : undefined;
    const what = got === undefined ? 'no error code' : `the unknown error code ${got}`;
    throw new AegisError('DAEMON_BAD_ANSWER', `the daemon answered ${res.status} with ${what}: ${message}`, {
      detail: {
        exit: res.status === 400 ? 1 : 2,
        status: res.status,
        ...(got === undefined ? {} : { daemon_code: got }),
      },
    });
  }
  const code = first.code;
  throw new AegisError(code, message, { detail: { exit: res.status === 400 && code !== 'USAGE' ? 1 : 2 } });
}

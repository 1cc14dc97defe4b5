import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { socketJson } from '#service/client.js';

/** A fake daemon on a unix socket that answers every request with `status` and `body`. */
async function fakeDaemon(
  status: number,
  body: unknown,
): Promise<{ socket: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'ae-cc-'));
  const socket = join(dir, 'd.sock');
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('daemon client: error codes from the socket', () => {
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of open.splice(0)) await close();
  });

  it('passes a documented code through with its message', async () => {
    const d = await fakeDaemon(404, {
      ok: false,
      errors: [{ code: 'APPROVAL_TRACE_UNKNOWN', message: 'no such trace' }],
    });
    open.push(d.close);
    await expect(socketJson(d.socket, 'POST', '/v1/approvals', {})).rejects.toMatchObject({
      code: 'APPROVAL_TRACE_UNKNOWN',
      message: 'no such trace',
    });
  });

  it('maps an unknown code to DAEMON_BAD_ANSWER and keeps the raw code in detail.daemon_code', async () => {
    const d = await fakeDaemon(400, {
      ok: false,
      errors: [{ code: 'SOME_FUTURE_CODE', message: 'newer daemon' }],
    });
    open.push(d.close);
    await expect(socketJson(d.socket, 'GET', '/v1/status')).rejects.toMatchObject({
      code: 'DAEMON_BAD_ANSWER',
      detail: { daemon_code: 'SOME_FUTURE_CODE', status: 400, exit: 1 },
    });
  });

  it('maps a missing or non-string code to DAEMON_BAD_ANSWER', async () => {
    const d = await fakeDaemon(500, { ok: false, errors: [{ code: 7, message: 'x' }] });
    open.push(d.close);
    const e: unknown = await socketJson(d.socket, 'GET', '/v1/status').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'DAEMON_BAD_ANSWER', detail: { status: 500, exit: 2 } });
    expect((e as { detail: Record<string, unknown> }).detail).not.toHaveProperty('daemon_code');
  });
});

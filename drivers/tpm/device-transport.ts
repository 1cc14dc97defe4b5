import { constants } from 'node:fs';
import { access, open, type FileHandle } from 'node:fs/promises';
import { AegisError, fail } from '#core/errors.js';
import type { TpmTransport } from '#device/tpm.js';

/** Largest response the kernel resource manager returns (TPM_BUFSIZE in linux/drivers/char/tpm/tpm.h is 4096). */
const BUFSIZE = 4096;

/**
 * The kernel TPM resource manager, /dev/tpmrm0: write one command, read one whole response
 * (linux/drivers/char/tpm/tpm-dev-common.c). The in-kernel resource manager flushes our transient objects
 * and sessions when the file is closed, unlike a bare swtpm.
 */
export class DeviceTransport implements TpmTransport {
  readonly simulated = false;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly fh: FileHandle,
    readonly description: string,
  ) {}

  static async open(path = '/dev/tpmrm0'): Promise<DeviceTransport> {
    try {
      await access(path, constants.F_OK);
    } catch {
      fail(
        'TPM_NOT_PRESENT',
        `no TPM device at ${path} (no TPM, or the tpm_crb / tpm_tis driver is not loaded)`,
      );
    }
    try {
      return new DeviceTransport(await open(path, 'r+'), path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EACCES' || code === 'EPERM')
        fail(
          'TPM_DEVICE_ACCESS_DENIED',
          `${path} exists but cannot be opened (${code}); add the user to the tss group`,
        );
      return fail('TPM_TRANSPORT_FAILED', `${path} cannot be opened (${code})`);
    }
  }

  send(command: Uint8Array): Promise<Uint8Array> {
    const run = this.chain.then(async () => {
      try {
        await this.fh.write(command);
        const buf = new Uint8Array(BUFSIZE);
        const { bytesRead } = await this.fh.read(buf, 0, BUFSIZE, null);
        return buf.slice(0, bytesRead);
      } catch (e) {
        throw new AegisError(
          'TPM_TRANSPORT_FAILED',
          `${this.description}: ${(e as NodeJS.ErrnoException).code ?? 'I/O error'}`,
        );
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

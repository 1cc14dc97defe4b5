import { constants } from 'node:os';
import { AegisError } from '#core/errors.js';

/**
 * The system calls a TEE guest driver needs, behind a small seam so the ioctl flows can be tested with a
 * kernel stand-in (no TDX/SNP guest device exists in CI). The real implementation is ffi-rs into libc
 * (drivers/tee/libc-io.ts). Structs that hold pointers must live in native memory, hence `alloc`.
 */
export interface NativeBuffer {
  /** User-space address, for pointer fields inside ioctl structs. */
  readonly address: bigint;
  /** Live view of the memory (writes are visible to the kernel and vice versa). */
  readonly bytes: Uint8Array;
  free(): void;
}

export interface DeviceIo {
  /** Opens a device read-write; ENOENT → TEE_NOT_PRESENT, EACCES/EPERM → TEE_PERMISSION_DENIED. */
  open(path: string): number;
  /** ioctl(fd, request, arg.address); a -1 return throws TEE_IOCTL_FAILED with the errno name in detail. */
  ioctl(fd: number, request: number, arg: NativeBuffer): void;
  close(fd: number): void;
  alloc(size: number): NativeBuffer;
}

/** errno number → symbolic name (EIO, ENOTTY, …) for error details. */
export function errnoName(code: number): string {
  for (const [name, value] of Object.entries(constants.errno)) if (value === code) return name;
  return `errno ${code}`;
}

const ERRNO = constants.errno;

/** Maps a failed open() to our codes: the device is absent, not ours to open, or broken. */
export function openError(path: string, errno: number): AegisError {
  const name = errnoName(errno);
  if (errno === ERRNO.ENOENT || errno === ERRNO.ENODEV || errno === ERRNO.ENXIO) {
    return new AegisError('TEE_NOT_PRESENT', `${path} is not present (${name})`, {
      detail: { path, errno: name },
    });
  }
  if (errno === ERRNO.EACCES || errno === ERRNO.EPERM) {
    return new AegisError(
      'TEE_PERMISSION_DENIED',
      `cannot open ${path} (${name}); run as root or grant access`,
      {
        detail: { path, errno: name },
      },
    );
  }
  return new AegisError('TEE_DEVICE_ERROR', `cannot open ${path} (${name})`, {
    detail: { path, errno: name },
  });
}

/** Runs `fn` with native buffers that are always freed, even when the ioctl fails. */
export function withNative<T>(io: DeviceIo, sizes: number[], fn: (bufs: NativeBuffer[]) => T): T {
  const bufs: NativeBuffer[] = [];
  try {
    for (const s of sizes) bufs.push(io.alloc(s));
    return fn(bufs);
  } finally {
    for (const b of bufs) b.free();
  }
}

/** Opens `path`, runs `fn`, closes. */
export function withDevice<T>(io: DeviceIo, path: string, fn: (fd: number) => T): T {
  const fd = io.open(path);
  try {
    return fn(fd);
  } finally {
    io.close(fd);
  }
}

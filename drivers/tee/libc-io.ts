import { createRequire } from 'node:module';
import { AegisError, fail } from '#core/errors.js';
import { errnoName, openError, type DeviceIo, type NativeBuffer } from './device-io.js';

/**
 * DeviceIo over libc through ffi-rs (hardware-interfaces.md §10 "ffi-rs call shapes that worked").
 * Native memory comes from calloc; its address is obtained from memset's return value (memset returns
 * its destination) so it can be stored in ioctl structs that carry user pointers (snp_guest_request_ioctl).
 */
type FfiRs = typeof import('ffi-rs');

const O_RDWR = 2;
const O_CLOEXEC = 0o2000000;
const LIB = 'libc';

let ffi: FfiRs | undefined;

function loadFfi(): FfiRs {
  if (ffi !== undefined) return ffi;
  try {
    // ffi-rs is CommonJS with a native addon; require keeps its named exports typed.
    const req = createRequire(import.meta.url);
    const mod = req('ffi-rs') as FfiRs;
    mod.open({ library: LIB, path: 'libc.so.6' });
    ffi = mod;
    return mod;
  } catch (e) {
    throw new AegisError(
      'TEE_FFI_UNAVAILABLE',
      'ffi-rs or libc.so.6 could not be loaded; device access is unavailable',
      {
        cause: e,
      },
    );
  }
}

export function libcDeviceIo(): DeviceIo {
  const f = loadFfi();
  const { DataType, load, createExternalBuffer } = f;
  return {
    open(path: string): number {
      const r = load({
        library: LIB,
        funcName: 'open',
        retType: DataType.I32,
        errno: true as const,
        paramsType: [DataType.String, DataType.I32],
        paramsValue: [path, O_RDWR | O_CLOEXEC],
      });
      // errno is stale on success (hardware-interfaces.md §10): only read it when the call failed.
      if (r.value < 0) throw openError(path, r.errnoCode);
      return r.value;
    },
    ioctl(fd: number, request: number, arg: NativeBuffer): void {
      const r = load({
        library: LIB,
        funcName: 'ioctl',
        retType: DataType.I32,
        errno: true as const,
        paramsType: [DataType.I32, DataType.U64, DataType.BigInt],
        paramsValue: [fd, request, arg.address],
      });
      if (r.value < 0) {
        const name = errnoName(r.errnoCode);
        fail('TEE_IOCTL_FAILED', `ioctl 0x${request.toString(16)} failed (${name})`, {
          request,
          errno: name,
        });
      }
    },
    close(fd: number): void {
      load({
        library: LIB,
        funcName: 'close',
        retType: DataType.I32,
        paramsType: [DataType.I32],
        paramsValue: [fd],
      });
    },
    alloc(size: number): NativeBuffer {
      const ptr = load({
        library: LIB,
        funcName: 'calloc',
        retType: DataType.External,
        paramsType: [DataType.U64, DataType.U64],
        paramsValue: [1, size],
      });
      if (f.isNullPointer(ptr)) fail('TEE_DEVICE_ERROR', `calloc(${size}) failed`);
      const address = load({
        library: LIB,
        funcName: 'memset',
        retType: DataType.BigInt,
        paramsType: [DataType.External, DataType.I32, DataType.U64],
        paramsValue: [ptr, 0, size],
      }) as bigint;
      const view = createExternalBuffer(ptr, size);
      let freed = false;
      return {
        address,
        bytes: new Uint8Array(view.buffer, view.byteOffset, size),
        free(): void {
          if (freed) return;
          freed = true;
          load({
            library: LIB,
            funcName: 'free',
            retType: DataType.Void,
            paramsType: [DataType.External],
            paramsValue: [ptr],
          });
        },
      };
    },
  };
}

/**
 * Linux ioctl request numbers (include/uapi/asm-generic/ioctl.h, the x86-64 layout):
 * bits 0–7 nr, 8–15 type, 16–29 size, 30–31 direction (1 = write, 2 = read).
 */
const IOC_NRSHIFT = 0;
const IOC_TYPESHIFT = 8;
const IOC_SIZESHIFT = 16;
const IOC_DIRSHIFT = 30;
const IOC_SIZEMASK = (1 << 14) - 1;

export const IOC_WRITE = 1;
export const IOC_READ = 2;

/** _IOC(dir, type, nr, size) as an unsigned 32-bit number. */
export function ioc(dir: number, type: string, nr: number, size: number): number {
  if (size < 0 || size > IOC_SIZEMASK) throw new RangeError(`ioctl size ${size} exceeds 14 bits`);
  const t = type.charCodeAt(0) & 0xff;
  return ((dir << IOC_DIRSHIFT) | (size << IOC_SIZESHIFT) | (t << IOC_TYPESHIFT) | (nr << IOC_NRSHIFT)) >>> 0;
}

/** _IOWR(type, nr, size): the caller passes a struct the kernel reads and writes back. */
export function iowr(type: string, nr: number, size: number): number {
  return ioc(IOC_READ | IOC_WRITE, type, nr, size);
}

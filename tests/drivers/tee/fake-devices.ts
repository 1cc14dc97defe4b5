import { AegisError } from '#core/errors.js';
import type { DeviceIo, NativeBuffer } from '#drivers/tee/device-io.js';
import type { TsmFs } from '#drivers/tee/configfs-tsm.js';

const ERRNO: Record<number, string> = { 1: 'EIO', 5: 'EIO', 14: 'EFAULT', 22: 'EINVAL', 25: 'ENOTTY' };

/**
 * A kernel stand-in for ioctl flows: "native" memory is a map from fake addresses to byte arrays, so a
 * handler can follow the pointers stored inside structs exactly as the kernel would.
 */
export class FakeKernelIo implements DeviceIo {
  private next = 0x10000n;
  readonly memory = new Map<bigint, Uint8Array>();
  readonly opened: string[] = [];
  freed = 0;

  constructor(
    private readonly devices: Record<string, (request: number, arg: Uint8Array, io: FakeKernelIo) => number>,
  ) {}

  open(path: string): number {
    if (!(path in this.devices)) throw new AegisError('TEE_NOT_PRESENT', `${path} absent`);
    this.opened.push(path);
    return 3 + this.opened.length;
  }

  ioctl(fd: number, request: number, arg: NativeBuffer): void {
    const path = this.opened[fd - 4] as string;
    const handler = this.devices[path];
    const rc = handler === undefined ? -25 : handler(request, arg.bytes, this);
    // Handlers return 0 or -errno as the kernel does; -1 is kept as a generic EIO.
    if (rc < 0)
      throw new AegisError('TEE_IOCTL_FAILED', `ioctl failed`, { detail: { errno: ERRNO[-rc] ?? 'EIO' } });
  }

  close(): void {}

  alloc(size: number): NativeBuffer {
    const address = this.next;
    this.next += 0x10000n;
    const bytes = new Uint8Array(size);
    this.memory.set(address, bytes);
    return { address, bytes, free: () => void (this.freed++, this.memory.delete(address)) };
  }

  deref(address: bigint): Uint8Array {
    const m = this.memory.get(address);
    if (m === undefined) throw new Error(`bad pointer 0x${address.toString(16)}`);
    return m;
  }
}

/** An in-memory configfs-tsm: mkdir creates the attribute files; writing inblob produces outblob. */
export class FakeTsmFs implements TsmFs {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>();
  /** Every attribute written, in order: [name, content as latin1]. */
  readonly writes: [string, string][] = [];
  generationBump = 1;
  /** SEV-SNP under an SVSM: the kernel publishes privlevel_floor and refuses reports below it (EINVAL). */
  privlevelFloor: number | undefined;

  constructor(
    readonly root: string,
    readonly provider: string,
    private readonly produce: (inblob: Uint8Array) => { outblob: Uint8Array; auxblob?: Uint8Array },
  ) {
    this.dirs.add(root);
  }

  exists(p: string): boolean {
    return this.dirs.has(p) || this.files.has(p);
  }

  mkdir(p: string): void {
    this.dirs.add(p);
    this.files.set(`${p}/provider`, new TextEncoder().encode(`${this.provider}\n`));
    this.files.set(`${p}/generation`, new TextEncoder().encode('0\n'));
    if (this.privlevelFloor !== undefined)
      this.files.set(`${p}/privlevel_floor`, new TextEncoder().encode(`${this.privlevelFloor}\n`));
  }

  rmdir(p: string): void {
    this.dirs.delete(p);
    for (const k of [...this.files.keys()]) if (k.startsWith(`${p}/`)) this.files.delete(k);
  }

  read(p: string): Uint8Array {
    const f = this.files.get(p);
    if (f === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
    return f;
  }

  write(p: string, data: Uint8Array): void {
    const dir = p.slice(0, p.lastIndexOf('/'));
    this.writes.push([p.slice(p.lastIndexOf('/') + 1), Buffer.from(data).toString('latin1')]);
    if (p.endsWith('/inblob')) {
      const level = this.files.get(`${dir}/privlevel`);
      if (
        this.privlevelFloor !== undefined &&
        Number(new TextDecoder().decode(level ?? new Uint8Array([0x30]))) < this.privlevelFloor
      )
        throw Object.assign(new Error(`EINVAL ${p}`), { code: 'EINVAL' });
      const { outblob, auxblob } = this.produce(data);
      this.files.set(`${dir}/outblob`, outblob);
      if (auxblob !== undefined) this.files.set(`${dir}/auxblob`, auxblob);
      const gen = Number(new TextDecoder().decode(this.read(`${dir}/generation`)).trim());
      this.files.set(`${dir}/generation`, new TextEncoder().encode(`${gen + this.generationBump}\n`));
    }
    this.files.set(p, data);
  }
}

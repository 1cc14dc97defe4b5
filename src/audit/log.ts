import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../core/canonical-json.js';
import { systemClock, type Clock } from '../core/clock.js';
import { AegisError, fail } from '../core/errors.js';
import { fromHex, toBase64, toHex } from '../core/encoding.js';
import type { Signer } from '../crypto/signer.js';
import { signCheckpoint } from './checkpoint.js';
import {
  checkpointsPath,
  listSegments,
  readLines,
  segmentName,
  SEGMENT_MAX_RECORDS,
  CHECKPOINTS_FILE,
} from './files.js';
import { WriterLock } from './lock.js';
import { CompactRange } from './merkle.js';
import {
  hashBody,
  makeBody,
  recordLine,
  recordSigningBytes,
  ZERO_HASH,
  type AuditEvent,
  type AuditRecord,
  type RecordSignatures,
  EVENT_FIELDS,
  EVENT_STRING_FIELDS,
} from './record.js';
import { setAsideTail, type TornTail } from './recovery.js';

/** `checkpoint`: Ed25519 on every record, both algorithms on checkpoints (default); `per-record`: ML-DSA-65 on every record too. */
export type PqMode = 'checkpoint' | 'per-record';

export interface AuditLogOptions {
  dir: string;
  signer: Signer;
  pq?: PqMode;
  clock?: Clock;
  /** Checkpoint at most this many records apart (DESIGN.md: 256). */
  checkpointEvery?: number;
  /** …and at most this many milliseconds apart (DESIGN.md: 1 s). */
  checkpointIntervalMs?: number;
  /** Extra genesis fields (e.g. the hardware evidence digest) for a new log. */
  genesisData?: JsonObject;
}

export interface AppendResult {
  seq: number;
  this_hash: string;
}

/** Largest record line accepted; bigger events are refused, never truncated. */
export const MAX_RECORD_BYTES = 1024 * 1024;

interface Pending {
  ev: AuditEvent;
  resolve: (r: AppendResult) => void;
  reject: (e: Error) => void;
}

/**
 * The single writer of one audit log. Appends are group-committed: every append waiting while a batch is
 * written joins the next batch, and each batch is written with one write and one fdatasync. An append's
 * promise resolves only after its record is durable.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private seq = 0;
  private prevHash = ZERO_HASH;
  private segIndex = 0;
  private segCount = 0;
  private fh: FileHandle | undefined;
  private cpFh: FileHandle | undefined;
  private readonly tree = new CompactRange();
  /** Size of the newest durable checkpoint. */
  private lastCpSize = 0;
  /** Size of the newest checkpoint started (durable or still being signed). */
  private cpStartedSize = 0;
  private lastCpAt = 0;
  /** Checkpoints are signed off the append path and written in order through this chain. */
  private cpChain: Promise<void> = Promise.resolve();
  private cpInFlight = false;
  private cpTimer: NodeJS.Timeout | undefined;
  private broken: AegisError | undefined;
  private closed = false;
  readonly recovered: TornTail[] = [];
  private origin = '';
  private logId = '';
  readonly pq: PqMode;

  private constructor(
    private readonly opts: AuditLogOptions,
    private readonly lock: WriterLock,
  ) {
    this.pq = opts.pq ?? 'checkpoint';
  }

  get size(): number {
    return this.seq;
  }

  get lastHash(): string {
    return this.prevHash;
  }

  get checkpointOrigin(): string {
    return this.origin;
  }

  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const lock = WriterLock.acquire(opts.dir);
    const log = new AuditLog(opts, lock);
    try {
      await log.load();
    } catch (e) {
      lock.release();
      throw e;
    }
    return log;
  }

  /** Rebuilds the writer's state from disk, setting aside torn tails, and writes genesis for a new log. */
  private async load(): Promise<void> {
    const { dir, signer } = this.opts;
    const segments = listSegments(dir);
    let genesis: AuditRecord | undefined;
    for (let i = 0; i < segments.length; i++) {
      const name = segments[i] as string;
      const path = join(dir, name);
      const { lines, tail } = readLines(path);
      if (tail.length > 0) {
        if (i !== segments.length - 1)
          fail('AUDIT_SEGMENT_CORRUPT', `${name} ends with an incomplete line but is not the last segment`);
        this.recovered.push(setAsideTail(dir, name, tail, statSync(path).size));
      }
      for (const line of lines) {
        const rec = parseRecordLine(line, this.seq);
        if (rec.seq !== this.seq || rec.prev_hash !== this.prevHash) {
          fail(
            'AUDIT_CHAIN_BROKEN',
            `the log in ${dir} does not chain at seq ${this.seq}; run 'aegis verify-audit'`,
            { seq: this.seq },
          );
        }
        if (this.seq === 0) genesis = rec;
        this.tree.append(fromHex(rec.this_hash));
        this.prevHash = rec.this_hash;
        this.seq++;
      }
      this.segIndex = i;
      this.segCount = lines.length;
    }
    const cpPath = checkpointsPath(dir);
    try {
      const { lines, tail } = readLines(cpPath);
      if (tail.length > 0)
        this.recovered.push(setAsideTail(dir, CHECKPOINTS_FILE, tail, statSync(cpPath).size));
      const last =
        lines.length > 0 ? (JSON.parse(lines[lines.length - 1] as string) as { size?: unknown }) : undefined;
      if (last && typeof last.size === 'number') this.lastCpSize = this.cpStartedSize = last.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (genesis) {
      const g = genesis.data as {
        origin?: string;
        log_id?: string;
        keys?: { ed25519?: { spki?: string }; ml_dsa_65?: { spki?: string } };
      } | null;
      const edOk = g?.keys?.ed25519?.spki === toBase64(signer.publicKeys.ed25519.spki);
      const pqOk = g?.keys?.ml_dsa_65?.spki === toBase64(signer.publicKeys.mldsa.spki);
      if (!edOk || !pqOk) {
        fail(
          'AUDIT_KEY_MISMATCH',
          `the log in ${dir} was started with other audit keys than the ones loaded; restore the log's keys or start a new log`,
        );
      }
      this.origin = g?.origin ?? '';
      this.logId = g?.log_id ?? '';
    }
    await this.openSegment();
    this.cpFh = await open(cpPath, 'a', 0o600);
    if (this.seq === 0) {
      this.logId = toHex(new Uint8Array(randomBytes(16)));
      this.origin = `aegis.local/log/${this.logId}`;
      await this.append({ kind: 'genesis', data: this.genesisData() });
    }
    for (const t of this.recovered) {
      await this.append({
        kind: 'recovery',
        reason: 'torn tail set aside after an interrupted write',
        data: { ...t },
      });
    }
  }

  private genesisData(): JsonObject {
    const k = this.opts.signer.publicKeys;
    return {
      log_id: this.logId,
      origin: this.origin,
      pq: this.pq,
      key_backend: this.opts.signer.backend,
      keys: {
        ed25519: { alg: 'ed25519', spki: toBase64(k.ed25519.spki), fingerprint: k.ed25519.fingerprint },
        ml_dsa_65: { alg: k.mldsa.alg, spki: toBase64(k.mldsa.spki), fingerprint: k.mldsa.fingerprint },
      },
      evidence_digest: null,
      ...(this.opts.genesisData ?? {}),
    };
  }

  private async openSegment(): Promise<void> {
    await this.fh?.close();
    this.fh = await open(join(this.opts.dir, segmentName(this.segIndex)), 'a', 0o600);
  }

  /** Appends one event; resolves with its seq and this_hash once the record is on disk (fdatasync). */
  append(ev: AuditEvent): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new AegisError('AUDIT_CLOSED', 'the audit log is closed'));
    if (this.broken) return Promise.reject(this.broken);
    try {
      validateEvent(ev);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ev, resolve, reject });
      this.flushing ??= this.flushLoop().finally(() => (this.flushing = undefined));
    });
  }

  private async flushLoop(): Promise<void> {
    const every = this.opts.checkpointEvery ?? 256;
    // Yield once so that appends issued in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      // Checkpoints at most `every` records apart (DESIGN.md): a batch never crosses the next boundary, and
      // at a boundary a checkpoint is started (signed in the crypto pool while appends go on).
      if (this.seq - this.cpStartedSize >= every) {
        if (this.cpInFlight) await this.cpChain;
        this.startCheckpoint();
      }
      const room = every - (this.seq - this.cpStartedSize);
      const batch = this.queue.splice(0, Math.max(1, Math.min(room, 4096)));
      try {
        await this.writeBatch(batch);
      } catch (e) {
        this.failAll(batch, e);
        return;
      }
    }
    if (this.seq - this.cpStartedSize >= every) this.startCheckpoint();
    this.scheduleCheckpointTimer();
  }

  private failAll(batch: Pending[], e: unknown): void {
    const err =
      e instanceof AegisError
        ? e
        : new AegisError('AUDIT_WRITE_FAILED', `audit log write failed: ${(e as Error).message}`, {
            cause: e,
          });
    this.broken = err;
    for (const p of batch) p.reject(err);
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private async writeBatch(all: Pending[]): Promise<void> {
    const { signer } = this.opts;
    const ts = (this.opts.clock ?? systemClock).now().toISOString();
    let seq = this.seq;
    let prev = this.prevHash;
    const hashes: Uint8Array[] = [];
    const bodies: ReturnType<typeof makeBody>[] = [];
    const batch: Pending[] = [];
    for (const p of all) {
      // An event that cannot be canonicalised (NaN, undefined inside data …) is refused alone; it must not
      // take the batch or the writer down with it.
      const body = makeBody(p.ev, seq, ts, prev);
      let h: Uint8Array;
      try {
        h = hashBody(body);
      } catch (e) {
        p.reject(
          new AegisError(
            'AUDIT_EVENT_INVALID',
            `event cannot be written as canonical JSON: ${(e as Error).message}`,
          ),
        );
        continue;
      }
      seq++;
      hashes.push(h);
      bodies.push(body);
      batch.push(p);
      prev = toHex(h);
    }
    if (batch.length === 0) return;
    const pqSigs =
      this.pq === 'per-record' || batch.some((p) => p.ev.kind === 'genesis')
        ? await Promise.all(hashes.map((h) => signer.signMlDsa(recordSigningBytes(h))))
        : undefined;
    const lines: string[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const h = hashes[i] as Uint8Array;
      const sig: RecordSignatures = {
        ed25519: toBase64(signer.signEd25519(recordSigningBytes(h))),
        ml_dsa_65: pqSigs ? toBase64(pqSigs[i] as Uint8Array) : null,
      };
      lines.push(recordLine(bodies[i] as (typeof bodies)[number], h, sig));
    }
    // Split at the segment boundary so no segment exceeds SEGMENT_MAX_RECORDS.
    let i = 0;
    while (i < lines.length) {
      if (this.segCount >= SEGMENT_MAX_RECORDS) {
        this.segIndex++;
        this.segCount = 0;
        await this.openSegment();
      }
      const n = Math.min(lines.length - i, SEGMENT_MAX_RECORDS - this.segCount);
      await this.durableWrite(lines.slice(i, i + n).join(''));
      this.segCount += n;
      i += n;
    }
    for (let j = 0; j < batch.length; j++) {
      const h = hashes[j] as Uint8Array;
      this.tree.append(h);
      (batch[j] as Pending).resolve({ seq: this.seq, this_hash: toHex(h) });
      this.seq++;
    }
    this.prevHash = prev;
  }

  private async durableWrite(text: string): Promise<void> {
    const fh = this.fh as FileHandle;
    const before = (await fh.stat()).size;
    try {
      const buf = Buffer.from(text);
      let off = 0;
      while (off < buf.length) off += (await fh.write(buf, off)).bytesWritten;
      await fh.datasync();
    } catch (e) {
      // Leave no partial record behind: cut the segment back to its last durable line, then fail closed.
      await fh.truncate(before).catch(() => undefined);
      throw e;
    }
  }

  /** The 1 s rule: records not yet covered get a checkpoint within checkpointIntervalMs. */
  private scheduleCheckpointTimer(): void {
    const interval = this.opts.checkpointIntervalMs ?? 1000;
    if (this.seq <= this.cpStartedSize || this.cpTimer || this.closed) return;
    const wait = Math.max(0, interval - (Date.now() - this.lastCpAt));
    this.cpTimer = setTimeout(() => {
      this.cpTimer = undefined;
      if (this.seq > this.cpStartedSize && !this.broken) this.startCheckpoint();
    }, wait);
    this.cpTimer.unref();
  }

  /**
   * Starts a checkpoint over every durable record: size and root are taken now; signing (ML-DSA in the
   * pool) and the durable write follow, in order, on the checkpoint chain. Returns nothing: callers that must
   * wait await this.cpChain, which never rejects (a failure is kept in this.broken and refuses what follows).
   */
  private startCheckpoint(): void {
    const size = this.seq;
    const root = this.tree.root();
    this.cpStartedSize = size;
    this.cpInFlight = true;
    this.cpChain = this.cpChain.then(async () => {
      try {
        const note = await signCheckpoint({ origin: this.origin, size, root }, this.opts.signer);
        const line =
          JSON.stringify({ size, ts: (this.opts.clock ?? systemClock).now().toISOString(), note }) + '\n';
        const fh = this.cpFh as FileHandle;
        await fh.write(line);
        await fh.datasync();
        this.lastCpSize = size;
        this.lastCpAt = Date.now();
      } catch (e) {
        this.broken ??= new AegisError(
          'AUDIT_WRITE_FAILED',
          `checkpoint write failed: ${(e as Error).message}`,
          { cause: e },
        );
      } finally {
        this.cpInFlight = this.cpStartedSize !== size;
      }
    });
  }

  /** Signs and stores a checkpoint over every durable record now (waits for it); no-op when nothing is new. */
  async checkpoint(): Promise<{ size: number } | undefined> {
    while (this.flushing) await this.flushing;
    if (this.seq > this.cpStartedSize || this.lastCpSize === 0) this.startCheckpoint();
    await this.cpChain;
    if (this.broken) throw this.broken;
    return { size: this.lastCpSize };
  }

  /** Drains pending appends, writes a final checkpoint (clean shutdown) and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    if (this.cpTimer) clearTimeout(this.cpTimer);
    this.closed = true;
    if (!this.broken && (this.seq > this.cpStartedSize || this.lastCpSize === 0)) this.startCheckpoint();
    await this.cpChain;
    await this.fh?.close();
    await this.cpFh?.close();
    this.lock.release();
  }
}

const KIND_RE = /^[a-z][a-z0-9_.-]{0,63}$/;

function validateEvent(ev: AuditEvent): void {
  if (typeof ev !== 'object' || ev === null)
    fail('AUDIT_EVENT_INVALID', 'an audit event must be a JSON object');
  // A field the record has no place for would be dropped by makeBody: refuse it instead (nothing is lost silently).
  const unknown = Object.keys(ev).filter((k) => !EVENT_FIELDS.has(k));
  if (unknown.length > 0) {
    fail(
      'AUDIT_EVENT_FIELD_UNKNOWN',
      `audit event field${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map((k) => JSON.stringify(k.slice(0, 64)))
        .join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not part of a record; put extra facts under "data"`,
    );
  }
  if (typeof ev.kind !== 'string' || !KIND_RE.test(ev.kind)) {
    fail(
      'AUDIT_EVENT_INVALID',
      'event kind must be 1-64 characters of a-z, 0-9, "_", "." or "-", starting with a letter',
    );
  }
  for (const f of EVENT_STRING_FIELDS) {
    const v = ev[f];
    if (v !== undefined && v !== null && typeof v !== 'string')
      fail('AUDIT_EVENT_INVALID', `event field ${f} must be a string`);
  }
  if (ev.rules !== undefined && (!Array.isArray(ev.rules) || ev.rules.some((r) => typeof r !== 'string'))) {
    fail('AUDIT_EVENT_INVALID', 'event field rules must be an array of strings');
  }
  if (ev.data !== undefined && ev.data !== null && (typeof ev.data !== 'object' || Array.isArray(ev.data))) {
    fail('AUDIT_EVENT_INVALID', 'event field data must be a JSON object');
  }
  // JSON.stringify is a cheap upper bound of the canonical size; canonical form is computed once, at hashing.
  const size = JSON.stringify(ev).length;
  if (size > MAX_RECORD_BYTES)
    fail('INPUT_TOO_LARGE', `audit event is ${size} bytes; the limit is ${MAX_RECORD_BYTES}`);
}

/** Parses one stored line as a record (shape only; verify.ts checks hashes and signatures). */
export function parseRecordLine(line: string, expectedSeq: number): AuditRecord {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return fail('AUDIT_RECORD_MALFORMED', `record at seq ${expectedSeq} is not valid JSON`, {
      seq: expectedSeq,
    });
  }
  const r = rec as Partial<AuditRecord>;
  if (
    typeof rec !== 'object' ||
    rec === null ||
    typeof r.seq !== 'number' ||
    typeof r.prev_hash !== 'string' ||
    typeof r.this_hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(r.this_hash) ||
    typeof r.kind !== 'string'
  ) {
    return fail('AUDIT_RECORD_MALFORMED', `record at seq ${expectedSeq} lacks required fields`, {
      seq: expectedSeq,
    });
  }
  return r as AuditRecord;
}

import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AegisError } from '../core/errors.js';
import type { MlDsaAlgorithm } from './mldsa.js';

/**
 * Worker threads for the two CPU-bound jobs that cap audit throughput on this 2-core machine:
 * ML-DSA signing (~11 ms with noble: per-record PQ mode and checkpoints) and batch signature verification.
 * The worker body is plain JavaScript evaluated from a string, so it runs unchanged from source (tsx,
 * vitest) and from dist/. It imports only node:crypto and @noble/post-quantum.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const ready = import(workerData.nobleUrl);
parentPort.on('message', async (m) => {
  try {
    const noble = await ready;
    const impl = { 'ml-dsa-44': noble.ml_dsa44, 'ml-dsa-65': noble.ml_dsa65, 'ml-dsa-87': noble.ml_dsa87 };
    if (m.op === 'mldsa-sign') {
      parentPort.postMessage({ id: m.id, ok: true, value: impl[m.alg].sign(m.msg, m.secretKey) });
    } else if (m.op === 'ed25519-verify') {
      const key = crypto.createPublicKey({ key: Buffer.from(m.spki), format: 'der', type: 'spki' });
      const n = m.offsets.length - 1;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (!m.has[i]) continue;
        const msg = m.msgs.subarray(m.offsets[i], m.offsets[i + 1]);
        try { out[i] = crypto.verify(null, msg, key, m.sigs.subarray(i * 64, i * 64 + 64)) ? 1 : 0; } catch { out[i] = 0; }
      }
      parentPort.postMessage({ id: m.id, ok: true, value: out });
    } else if (m.op === 'mldsa-verify') {
      const out = new Uint8Array(m.items.length);
      for (let i = 0; i < m.items.length; i++) {
        const it = m.items[i];
        let ok = false;
        try { ok = !!it.sig && impl[m.alg].verify(it.sig, it.msg, m.publicKey); } catch { ok = false; }
        out[i] = ok ? 1 : 0;
      }
      parentPort.postMessage({ id: m.id, ok: true, value: out });
    } else {
      parentPort.postMessage({ id: m.id, ok: false, error: 'unknown op' });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String(e && e.message || e) });
  }
});
`;

interface Pending {
  resolve: (v: Uint8Array) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/** Tasks posted to one worker at a time: two, so a worker never waits for the main thread between tasks. */
const MAX_IN_FLIGHT = 2;

export interface VerifyItem {
  msg: Uint8Array;
  sig: Uint8Array | undefined;
}

export class CryptoPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly tasks: Array<Record<string, unknown>> = [];
  private nextId = 1;

  constructor(size = Math.max(1, Math.min(2, availableParallelism()))) {
    const nobleUrl = pathToFileURL(
      createRequire(import.meta.url).resolve('@noble/post-quantum/ml-dsa.js'),
    ).href;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { nobleUrl } });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (m: { id: number; ok: boolean; value?: Uint8Array; error?: string }) => {
        // An idle worker must not keep the process alive; a busy one must (its caller awaits it).
        if (--slot.busy === 0) worker.unref();
        this.pump();
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok && m.value) p.resolve(m.value);
        else p.reject(new AegisError('CRYPTO_WORKER_FAILED', m.error ?? 'crypto worker failed'));
      });
      worker.on('error', (e) => {
        for (const [id, p] of this.pending) {
          p.reject(new AegisError('CRYPTO_WORKER_FAILED', `crypto worker died: ${e.message}`));
          this.pending.delete(id);
        }
      });
      // unref after the listeners are attached: adding a listener re-refs the port.
      worker.unref();
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Tasks wait in one queue and a worker takes the next when it has fewer than MAX_IN_FLIGHT: ML-DSA signing
   * time varies per message (rejection sampling), so pulling work keeps both cores busy where a fixed split
   * would leave one idle at the end of a batch.
   */
  private run(msg: Record<string, unknown>): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.tasks.push({ ...msg, id });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (slot.busy < MAX_IN_FLIGHT && this.tasks.length > 0) {
        if (slot.busy++ === 0) slot.worker.ref();
        slot.worker.postMessage(this.tasks.shift());
      }
    }
  }

  mlDsaSign(alg: MlDsaAlgorithm, secretKey: Uint8Array, msg: Uint8Array): Promise<Uint8Array> {
    return this.run({ op: 'mldsa-sign', alg, secretKey, msg });
  }

  /**
   * Verifies many Ed25519 signatures under one key; result[i] is 1 when item i verifies. Items are packed
   * into three flat buffers so a batch crosses the thread boundary as a handful of copies.
   */
  ed25519VerifyBatch(spki: Uint8Array, items: VerifyItem[]): Promise<Uint8Array> {
    const offsets = new Uint32Array(items.length + 1);
    for (let i = 0; i < items.length; i++)
      offsets[i + 1] = (offsets[i] as number) + (items[i] as VerifyItem).msg.length;
    const msgs = new Uint8Array(offsets[items.length] as number);
    const sigs = new Uint8Array(items.length * 64);
    const has = new Uint8Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as VerifyItem;
      msgs.set(it.msg, offsets[i] as number);
      if (it.sig && it.sig.length === 64) {
        sigs.set(it.sig, i * 64);
        has[i] = 1;
      }
    }
    return this.run({ op: 'ed25519-verify', spki, msgs, offsets, sigs, has });
  }

  mlDsaVerifyBatch(alg: MlDsaAlgorithm, publicKey: Uint8Array, items: VerifyItem[]): Promise<Uint8Array> {
    return this.run({ op: 'mldsa-verify', alg, publicKey, items });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

let shared: CryptoPool | undefined;

/** One pool per process, created on first use; its workers never keep the process alive. */
export function sharedCryptoPool(): CryptoPool {
  shared ??= new CryptoPool();
  return shared;
}

import { Prng } from './prng.js';

/**
 * The float JudgeNet used only for training: inputDim -> H (no bias, ReLU) -> 3 logits, softmax cross-entropy,
 * Adam. The hidden layer has no bias because the integer model has none (judgenet/model.ts explains why).
 */
export interface FloatMlp {
  inputDim: number;
  hidden: number;
  w1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  seed: number;
}

export function initMlp(inputDim: number, hidden: number, rng: Prng): FloatMlp {
  const w1 = new Float32Array(hidden * inputDim).map(() => rng.normal() * Math.sqrt(2 / inputDim));
  const w2 = new Float32Array(3 * hidden).map(() => rng.normal() * Math.sqrt(1 / hidden));
  return { inputDim, hidden, w1, w2, b2: new Float32Array(3) };
}

export function forward(m: FloatMlp, x: Float32Array, a: Float32Array, z: Float32Array): void {
  for (let h = 0; h < m.hidden; h++) {
    let s = 0;
    const row = h * m.inputDim;
    for (let i = 0; i < m.inputDim; i++) s += (m.w1[row + i] as number) * (x[i] as number);
    a[h] = s;
  }
  for (let o = 0; o < 3; o++) {
    let s = m.b2[o] as number;
    for (let h = 0; h < m.hidden; h++) s += (m.w2[o * m.hidden + h] as number) * Math.max(0, a[h] as number);
    z[o] = s;
  }
}

export function predict(m: FloatMlp, x: Float32Array): number {
  const a = new Float32Array(m.hidden);
  const z = new Float32Array(3);
  forward(m, x, a, z);
  return argmax(z);
}

export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < z.length; i++) if ((z[i] as number) > (z[best] as number)) best = i;
  return best;
}

class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    private readonly p: Float32Array,
    private readonly lr: number,
  ) {
    this.m = new Float32Array(p.length);
    this.v = new Float32Array(p.length);
  }
  step(g: Float32Array, decay: number): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < this.p.length; i++) {
      const gi = (g[i] as number) + decay * (this.p[i] as number);
      const mi = 0.9 * (this.m[i] as number) + 0.1 * gi;
      const vi = 0.999 * (this.v[i] as number) + 0.001 * gi * gi;
      this.m[i] = mi;
      this.v[i] = vi;
      this.p[i] = (this.p[i] as number) - (this.lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
    }
  }
}

/** Mini-batch Adam over (x, label) pairs in a seeded order; returns the final training accuracy. */
export function train(
  m: FloatMlp,
  xs: Float32Array[],
  ys: number[],
  o: TrainOptions,
  log?: (s: string) => void,
): number {
  const rng = new Prng(o.seed);
  const opt1 = new Adam(m.w1, o.lr);
  const opt2 = new Adam(m.w2, o.lr);
  const optb = new Adam(m.b2, o.lr);
  const g1 = new Float32Array(m.w1.length);
  const g2 = new Float32Array(m.w2.length);
  const gb = new Float32Array(3);
  const a = new Float32Array(m.hidden);
  const z = new Float32Array(3);
  const dy = new Float32Array(m.hidden);
  const order = xs.map((_, i) => i);
  let correct = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    correct = 0;
    for (let start = 0; start < order.length; start += o.batch) {
      g1.fill(0);
      g2.fill(0);
      gb.fill(0);
      const end = Math.min(order.length, start + o.batch);
      for (let k = start; k < end; k++) {
        const idx = order[k] as number;
        const x = xs[idx] as Float32Array;
        const label = ys[idx] as number;
        forward(m, x, a, z);
        if (argmax(z) === label) correct++;
        const zmax = Math.max(z[0] as number, z[1] as number, z[2] as number);
        const e = [0, 1, 2].map((c) => Math.exp((z[c] as number) - zmax));
        const sum = e[0]! + e[1]! + e[2]!;
        const dz = e.map((v, c) => (v / sum - (c === label ? 1 : 0)) / (end - start));
        dy.fill(0);
        for (let c = 0; c < 3; c++) {
          gb[c] = (gb[c] as number) + dz[c]!;
          for (let h = 0; h < m.hidden; h++) {
            const ah = a[h] as number;
            if (ah > 0) {
              g2[c * m.hidden + h] = (g2[c * m.hidden + h] as number) + dz[c]! * ah;
              dy[h] = (dy[h] as number) + dz[c]! * (m.w2[c * m.hidden + h] as number);
            }
          }
        }
        for (let h = 0; h < m.hidden; h++) {
          const d = dy[h] as number;
          if (d === 0) continue;
          const row = h * m.inputDim;
          for (let i = 0; i < m.inputDim; i++) g1[row + i] = (g1[row + i] as number) + d * (x[i] as number);
        }
      }
      opt1.step(g1, o.weightDecay);
      opt2.step(g2, o.weightDecay);
      optb.step(gb, 0);
    }
    log?.(`epoch ${epoch + 1}/${o.epochs}: train accuracy ${(correct / xs.length).toFixed(4)}`);
  }
  return correct / xs.length;
}

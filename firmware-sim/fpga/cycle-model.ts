import { fail } from '#core/errors.js';
import type { JudgeNetModel } from '#judge/judgenet/model.js';
import { decide, requant, type JudgeNetOutput } from '#judge/judgenet/reference.js';
import { checkLanes, chunks, type Chunk } from './schedule.js';

/** Core states, numbered as in fpga/rtl/judge_core.v. */
export const CoreState = { RECV: 0, MAC: 1, L2: 2, DECIDE: 3, ATTR: 4, DONE: 5 } as const;

export interface TraceEvent {
  cycle: number;
  signal: string;
  value: string;
}

export interface CycleResult extends JudgeNetOutput {
  cycles: number;
}

/**
 * Cycle-accurate model of fpga/rtl/judge_core.v: the same state machine stepped one clock edge at a time,
 * with a byte offered on every cycle. Each loop iteration is one rising edge; `cnt` counts edges from the
 * one that accepts the first byte, exactly like the RTL's cycle counter. The optional trace emits the same
 * events the testbench prints with +trace (state changes, q writes, logits, attribution writes).
 */
export class JudgeCoreModel {
  readonly chunkList: Chunk[];
  /** Edges simulated since construction (for simulator speed figures). */
  simulatedCycles = 0;

  constructor(
    readonly model: JudgeNetModel,
    readonly lanes: number,
  ) {
    if (!checkLanes(lanes)) fail('FPGA_LANES_INVALID', `lanes must be an integer in 1..1024, got ${lanes}`);
    this.chunkList = chunks(model, lanes);
  }

  run(xq: Int8Array, trace?: (e: TraceEvent) => void): CycleResult {
    const m = this.model;
    if (xq.length !== m.inputDim)
      fail('JUDGE_INPUT_INVALID', `input has ${xq.length} bytes, expected ${m.inputDim}`);
    const H = m.hidden;
    const nSub = m.subfieldLengths.length;
    const L = this.lanes;
    const p = new Int32Array(H);
    const y = new Int32Array(H);
    const q = new Int32Array(nSub * H);
    const xbuf = new Int8Array(L);
    const attribution = new Int32Array(nSub);
    let state: number = CoreState.RECV;
    let lastState: number = CoreState.RECV;
    let busy = false;
    let cnt = 0;
    let pos = 0;
    let sub = 0;
    let subPos = 0;
    let lane = 0;
    let chunk = 0;
    let h = 0;
    let o = 0;
    let lastOfSub = false;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let verdict = 0;
    let confidence = 0;
    let logits = new Int32Array(3);
    let attrAcc = 0;
    let cycles = -1;
    const emit = (cycle: number, signal: string, value: string | number): void =>
      trace?.({ cycle, signal, value: String(value) });

    while (cycles < 0) {
      // One rising edge. Combinational values first (from the pre-edge state), then the register updates.
      const accept = state === CoreState.RECV && pos < m.inputDim;
      const starting = accept && !busy;
      const counting = starting || busy;
      const cntNext = (starting ? 0 : cnt) + 1;
      if (trace !== undefined && counting && !starting && state !== lastState) emit(cntNext, 'state', state);
      lastState = state;
      if (counting) cnt = cntNext;
      if (starting) busy = true;
      switch (state) {
        case CoreState.RECV:
          if (accept) {
            xbuf[lane] = xq[pos++] as number;
            const len = m.subfieldLengths[sub] as number;
            if (lane === L - 1 || subPos === len - 1) {
              state = CoreState.MAC;
              h = 0;
              lastOfSub = subPos === len - 1;
            } else lane++;
            subPos++;
          }
          break;
        case CoreState.MAC: {
          const c = this.chunkList[chunk] as Chunk;
          const row = h * m.inputDim + c.start;
          let dot = 0;
          for (let l = 0; l < c.length; l++) dot += (m.w1[row + l] as number) * (xbuf[l] as number);
          const acc = ((p[h] as number) + dot) | 0;
          if (lastOfSub) {
            const qv = requant(acc, m.requantMult, m.requantShift);
            if (trace !== undefined) emit(cntNext, `q[${sub}][${h}]`, qv);
            q[sub * H + h] = qv;
            y[h] = ((sub === 0 ? 0 : (y[h] as number)) + qv) | 0;
            p[h] = 0;
          } else p[h] = acc;
          if (h === H - 1) {
            h = 0;
            lane = 0;
            chunk++;
            if (lastOfSub) {
              subPos = 0;
              if (sub === nSub - 1) {
                state = CoreState.L2;
                l0 = m.b2[0] as number;
                l1 = m.b2[1] as number;
                l2 = m.b2[2] as number;
              } else {
                sub++;
                state = CoreState.RECV;
              }
            } else state = CoreState.RECV;
          } else h++;
          break;
        }
        case CoreState.L2: {
          // One shared multiplier: o outer, h inner (3*H cycles), as in the RTL.
          const prod = Math.imul(m.w2[o * H + h] as number, Math.max(0, y[h] as number));
          if (o === 0) l0 = (l0 + prod) | 0;
          else if (o === 1) l1 = (l1 + prod) | 0;
          else l2 = (l2 + prod) | 0;
          if (h === H - 1) {
            h = 0;
            if (o === 2) {
              o = 0;
              state = CoreState.DECIDE;
            } else o++;
          } else h++;
          break;
        }
        case CoreState.DECIDE: {
          if (trace !== undefined) emit(cntNext, 'logits', `${l0},${l1},${l2}`);
          logits = Int32Array.of(l0, l1, l2);
          ({ verdict, confidence } = decide(logits, m.confShift));
          sub = 0;
          h = 0;
          attrAcc = 0;
          state = CoreState.ATTR;
          break;
        }
        case CoreState.ATTR: {
          const yh = y[h] as number;
          const term = yh > 0 ? Math.imul(m.w2[verdict * H + h] as number, q[sub * H + h] as number) : 0;
          const next = (attrAcc + term) | 0;
          if (h === H - 1) {
            if (trace !== undefined) emit(cntNext, `attr[${sub}]`, next);
            attribution[sub] = next;
            attrAcc = 0;
            h = 0;
            if (sub === nSub - 1) {
              state = CoreState.DONE;
              cycles = cntNext;
            } else sub++;
          } else {
            attrAcc = next;
            h++;
          }
          break;
        }
        default:
          fail('INTERNAL_ERROR', `cycle model reached state ${state}`);
      }
    }
    this.simulatedCycles += cycles;
    return { logits, verdict, confidence, attribution, cycles };
  }
}

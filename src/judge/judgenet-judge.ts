import { ATV_SUBFIELDS } from '../atv/layout.js';
import { fail, isAegisError } from '../core/errors.js';
import type { FpgaLink } from '../device/fpga.js';
import type { Judge, JudgeDecision, JudgeInput } from './judge.js';
import { modelHash, parseModel, type JudgeNetModel } from './judgenet/model.js';
import { quantiseInput } from './judgenet/quantise.js';
import { inferReference, VERDICTS, type JudgeNetOutput } from './judgenet/reference.js';

/** Loads a model and checks it was trained for the ATV-2080-v1 layout this build uses. */
export function loadJudgeModel(bytes: Uint8Array): { model: JudgeNetModel; hash: string } {
  const model = parseModel(bytes);
  const lengths = ATV_SUBFIELDS.map((s) => s.length);
  if (
    model.subfieldLengths.length !== lengths.length ||
    model.subfieldLengths.some((l, i) => l !== lengths[i])
  )
    fail('MODEL_LAYOUT_MISMATCH', 'the model was not trained for the ATV-2080-v1 subfield layout');
  return { model, hash: modelHash(bytes) };
}

function toDecision(o: JudgeNetOutput, hash: string): JudgeDecision {
  return {
    verdict: VERDICTS[o.verdict] ?? 'REQUIRE_APPROVAL',
    confidence: o.confidence / 255,
    logits: [...o.logits],
    attribution: ATV_SUBFIELDS.map((s, i) => ({ subfield: s.name, value: o.attribution[i] ?? 0 })),
    model_hash: hash,
    engine: 'cpu',
  };
}

/** The CPU judge: the integer golden model (src/judge/judgenet/reference.ts). */
export class CpuJudge implements Judge {
  readonly name = 'judgenet-cpu';
  readonly model: JudgeNetModel;
  readonly hash: string;

  constructor(modelBytes: Uint8Array) {
    ({ model: this.model, hash: this.hash } = loadJudgeModel(modelBytes));
  }

  async judge(input: JudgeInput): Promise<JudgeDecision> {
    return toDecision(inferReference(this.model, quantiseInput(this.model, input.atv)), this.hash);
  }
}

/**
 * The FPGA judge: sends the quantised ATV to the device; without a device, with a device that runs another model,
 * or on any device error it answers with the CPU reference instead (bit-identical outputs by construction and
 * by cosim) and says so in `engine` and `fallback`.
 */
export class FpgaJudge implements Judge {
  readonly name = 'judgenet-fpga';
  private readonly cpu: CpuJudge;
  private checked: Promise<string | undefined> | undefined;

  constructor(
    modelBytes: Uint8Array,
    private readonly link: FpgaLink | undefined,
  ) {
    this.cpu = new CpuJudge(modelBytes);
  }

  /** Resolves to a fallback code when the device cannot be used, once per judge. */
  private usable(): Promise<string | undefined> {
    if (this.link === undefined) return Promise.resolve('FPGA_NO_DEVICE');
    const link = this.link;
    this.checked ??= link.info().then(
      (i) => (i.modelHash === this.cpu.hash ? undefined : 'FPGA_MODEL_MISMATCH'),
      (e: unknown) => (isAegisError(e) ? e.code : 'FPGA_DEVICE_ERROR'),
    );
    return this.checked;
  }

  async judge(input: JudgeInput): Promise<JudgeDecision> {
    const xq = quantiseInput(this.cpu.model, input.atv);
    const reason = await this.usable();
    if (reason === undefined && this.link !== undefined) {
      try {
        const r = await this.link.infer(xq);
        return { ...toDecision(r, this.cpu.hash), engine: 'fpga', device: this.link.kind, cycles: r.cycles };
      } catch (e) {
        const code = isAegisError(e) ? e.code : 'FPGA_DEVICE_ERROR';
        return { ...(await this.cpu.judge(input)), fallback: code };
      }
    }
    return { ...(await this.cpu.judge(input)), fallback: reason ?? 'FPGA_NO_DEVICE' };
  }
}

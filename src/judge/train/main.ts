/**
 * Trains and quantises JudgeNet (docs/fpga.md, "Training"). Deterministic: the same seed gives the same model
 * file byte for byte, hence the same model_hash.
 *
 *   node --import tsx src/judge/train/main.ts [--hidden 32] [--n 6000] [--epochs 12] [--seed 7] [--out FILE]
 *                                             [--labels FILE.jsonl] [--labels-repeat K]
 *
 * --labels takes {"atv_b64": <8,320 bytes of LE float32, base64>, "decision": "ALLOW|BLOCK|REQUIRE_APPROVAL"} lines,
 * e.g. the rule engine's decisions over the firewall fixtures (bench/fpga-fixtures.ts --labels), and trains on them
 * (each repeated K times) plus the synthetic vectors. The held-out split is the first sixth of the synthetic set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ATV_DIM, ATV_SUBFIELDS } from '../../atv/layout.js';
import { modelHash, serializeModel } from '../judgenet/model.js';
import { inferReference, VERDICTS } from '../judgenet/reference.js';
import { labelRule } from './label-rule.js';
import { initMlp, predict, train } from './mlp.js';
import { Prng } from './prng.js';
import { chooseExponents, quantiseAll, quantiseMlp } from './quantise-model.js';
import { syntheticAtv } from './synthetic-atv.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

function loadLabelled(path: string): { xs: Float32Array[]; ys: number[] } {
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { atv_b64: string; decision: string };
    const b = Buffer.from(rec.atv_b64, 'base64');
    if (b.length !== ATV_DIM * 4) throw new Error(`labelled ATV of ${b.length} bytes`);
    const x = new Float32Array(ATV_DIM);
    for (let i = 0; i < ATV_DIM; i++) x[i] = b.readFloatLE(i * 4);
    xs.push(x);
    ys.push(VERDICTS.indexOf(rec.decision as (typeof VERDICTS)[number]));
  }
  return { xs, ys };
}

const hidden = Number(arg('hidden', '32'));
const n = Number(arg('n', '6000'));
const epochs = Number(arg('epochs', '12'));
const seed = Number(arg('seed', '7'));
const weightDecay = Number(arg('wd', '1e-3'));
const lr = Number(arg('lr', '3e-3'));
const out = arg('out', `fpga/model/judgenet-h${hidden}.ajn`);
const labels = arg('labels', '');
const labelsRepeat = Number(arg('labels-repeat', '1'));

const rng = new Prng(seed);
const xs: Float32Array[] = [];
const ys: number[] = [];
for (let i = 0; i < n; i++) {
  const x = syntheticAtv(rng);
  xs.push(x);
  ys.push(labelRule(x));
}
if (labels !== '') {
  // Repeating the (few) labelled vectors weights them against the synthetic ones.
  const extra = loadLabelled(labels);
  for (let r = 0; r < labelsRepeat; r++) {
    xs.push(...extra.xs);
    ys.push(...extra.ys);
  }
}
const nTest = Math.floor(xs.length / 6);
const lengths = ATV_SUBFIELDS.map((s) => s.length);
const exps = chooseExponents(lengths, xs);
const scaleModel = { inputDim: ATV_DIM, subfieldLengths: lengths, inputExponents: exps };
const xq = quantiseAll(scaleModel, xs);
const xf = xq.map((q) => Float32Array.from(q, (v) => v / 128));
const counts = [0, 1, 2].map((c) => ys.filter((y) => y === c).length);
console.error(`data: ${xs.length} vectors, classes ALLOW/BLOCK/REQUIRE_APPROVAL = ${counts.join('/')}`);

const mlp = initMlp(ATV_DIM, hidden, new Prng(seed + 1));
train(mlp, xf.slice(nTest), ys.slice(nTest), { epochs, batch: 32, lr, weightDecay, seed: seed + 2 }, (s) =>
  console.error(s),
);
const model = quantiseMlp(mlp, lengths, exps, xq.slice(nTest, nTest + 1000));
let floatOk = 0;
let intOk = 0;
let agree = 0;
for (let i = 0; i < nTest; i++) {
  const pf = predict(mlp, xf[i] as Float32Array);
  const pi = inferReference(model, xq[i] as Int8Array).verdict;
  if (pf === ys[i]) floatOk++;
  if (pi === ys[i]) intOk++;
  if (pf === pi) agree++;
}
const bytes = serializeModel(model);
writeFileSync(out, bytes);
console.log(
  JSON.stringify({
    out,
    hidden,
    bytes: bytes.length,
    model_hash: modelHash(bytes),
    test_n: nTest,
    float_accuracy: floatOk / nTest,
    int_accuracy: intOk / nTest,
    float_int_agreement: agree / nTest,
    requant_mult: model.requantMult,
    requant_shift: model.requantShift,
    conf_shift: model.confShift,
  }),
);

/**
 * The FPGA judge beside the rule engine on the firewall fixtures (issue 7 acceptance): every default-mode
 * PreToolUse row of ../shared/fixtures/firewall is decided by the firewall pipeline (the rule engine) and, on the
 * same ATV-2080-v1 vector, by the FPGA judge on the simulated board (bit-identical to the CPU reference). Prints
 * the agreement, the confusion matrix, agreement per corpus, and for disagreements the rule that fired and the
 * subfields with the largest attribution (why the judge decided as it did). Optionally writes the rule engine's
 * decisions as training labels for src/judge/train/main.ts --labels (even rows only with --split, so the odd rows
 * stay held out). Last stdout line: one JSON object.
 *   node --import tsx bench/fpga-fixtures.ts [--model FILE] [--labels OUT.jsonl] [--split]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '#core/canonical-json.js';
import { atvBytes, atvSha3, encodeAtv, writeHwBand } from '#atv/encode.js';
import { createHwProvider, type HwProvider } from '#appliance/hw/provider.js';
import type { HwSnapshot } from '#device/hw-snapshot.js';
import { HW_SIM_ATTACKS, simHwSource, type HwSimAttack } from '#firmware-sim/hw/sim-source.js';
import { openEngine } from '#appliance/engine.js';
import { aegisHome } from '#appliance/home.js';
import { isDefaultPreToolUse, rowToCall, type CorpusRow } from '#firewall/corpus.js';
import { FpgaJudge } from '#judge/judgenet-judge.js';
import { modelHash, parseModel } from '#judge/judgenet/model.js';
import { VERDICTS } from '#judge/judgenet/reference.js';
import { WireFpgaLink } from '#drivers/fpga/wire-link.js';
import { BoardSim } from '#firmware-sim/fpga/board.js';
import { fpgaDir } from '#firmware-sim/fpga/rtl-build.js';
import { simTransport } from '#firmware-sim/fpga/sim-transport.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modelPath = arg('model') ?? join(fpgaDir, 'model', 'judgenet-h32.ajn');
const labelsOut = arg('labels');
const split = process.argv.includes('--split');
const fixtures = join(
  process.env['AEGIS_FIXTURES'] ?? join(fpgaDir, '..', '..', 'shared', 'fixtures'),
  'firewall',
);
if (!existsSync(fixtures)) {
  console.log(JSON.stringify({ bench: 'fpga-fixtures', skipped: `no fixtures at ${fixtures}` }));
  process.exit(0);
}

const bytes = new Uint8Array(readFileSync(modelPath));
const model = parseModel(bytes);
const hash = modelHash(bytes);
const judge = new FpgaJudge(
  bytes,
  new WireFpgaLink('sim', simTransport(new BoardSim(model, hash, 64, 100_000))),
);
/**
 * The hardware band the judge learns from: the simulator (deterministic), recorded so the bench can rebuild the very
 * vector the pipeline built. With --labels, every fourth training row is also decided with one simulated attack
 * injected (docs/hardware-guide.md), so the labels include what step 337 decides on anomalous bands.
 */
function recording(provider: HwProvider): HwProvider & { last: () => HwSnapshot | undefined } {
  let last: HwSnapshot | undefined;
  return {
    ...provider,
    snapshot: (ctx) => (last = provider.snapshot(ctx)),
    last: () => last,
  };
}
const quietHw = recording(createHwProvider('sim', [simHwSource({ seed: 'fpga-fixtures' })]));
const attackHw = Object.keys(HW_SIM_ATTACKS).map((a) =>
  recording(
    createHwProvider(`sim+${a}`, [simHwSource({ seed: 'fpga-fixtures', attacks: [a as HwSimAttack] })]),
  ),
);
// The engine the daemon and `aegis evaluate` use (src/appliance/engine.ts), on a throw-away home.
const engineEnv = { HOME: '/home/user', AEGIS_JUDGE: 'off' };
const newHome = (): ReturnType<typeof aegisHome> =>
  aegisHome({ AEGIS_HOME: mkdtempSync(join(tmpdir(), 'aegis-bench-')) });
const engine = await openEngine(newHome(), engineEnv, { hardware: quietHw });
const attackEngines = await Promise.all(
  attackHw.map((hardware) => openEngine(newHome(), engineEnv, { hardware })),
);
const fw = engine.firewall;
let attackLabels = 0;
/** Held-out calls under a simulated attack: the judge's agreement with the pipeline, and how often it did not allow. */
const attacked = { n: 0, agree: 0, caught: 0 };

const rows: Array<{ src: string; row: CorpusRow }> = [];
for (const f of readdirSync(fixtures)
  .filter((x) => x.endsWith('.jsonl'))
  .sort()) {
  for (const line of readFileSync(join(fixtures, f), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as CorpusRow;
    if (isDefaultPreToolUse(row) && row.session_id === undefined)
      rows.push({ src: f.replace(/\.jsonl$/, ''), row });
  }
}

const idx = (v: string): number => VERDICTS.indexOf(v as (typeof VERDICTS)[number]);
const confusion = [0, 1, 2].map(() => [0, 0, 0]);
const held = { n: 0, agree: 0 };
const bySource = new Map<string, { n: number; agree: number }>();
const diffs: string[] = [];
const labels: string[] = [];
let notReproduced = 0;
let engineFpga = 0;
let i = 0;
for (const { src, row } of rows) {
  const call = rowToCall(row);
  if (call.cwd === undefined) call.cwd = '/home/user/project';
  const d = await fw.evaluate(call);
  // The same vector the pipeline built (firewall.ts evaluate); checked against the decision's atv_sha3.
  const n = fw.normalise(call);
  const argsJson = canonicalJson(call.input);
  const hits = fw.rules.evaluate(n);
  const base = fw.policies.blast.tools[n.tool.canonical] ?? fw.policies.blast.tools['unknown'] ?? 5;
  const blast = Math.max(base, ...hits.map((h) => h.rule.blast ?? (h.rule.decision === 'BLOCK' ? 9 : 7)));
  const tokens = Math.ceil(argsJson.length / 4);
  const atv = encodeAtv(
    {
      aid: call.aid ?? 'anonymous',
      tenant: call.tenant ?? 'local',
      plan: call.plan,
      tool: n.tool.canonical,
      argsJson,
      blast,
      cost: { input_token_count: tokens, cumulative_tokens: tokens },
    },
    quietHw.last(),
  ).vector;
  if (atvSha3(atv) !== d.facts.atv_sha3) {
    notReproduced++;
    continue;
  }
  const j = await judge.judge({ atv });
  if (j.engine === 'fpga') engineFpga++;
  const rule = idx(d.decision);
  const mine = idx(j.verdict);
  (confusion[rule] as number[])[mine] = ((confusion[rule] as number[])[mine] as number) + 1;
  const s = bySource.get(src) ?? { n: 0, agree: 0 };
  bySource.set(src, s);
  s.n++;
  if (rule === mine) s.agree++;
  const isTrain = !split || i % 2 === 0;
  if (split && !isTrain) {
    held.n++;
    if (rule === mine) held.agree++;
  }
  if (labelsOut !== undefined && isTrain)
    labels.push(
      JSON.stringify({
        atv_b64: Buffer.from(atvBytes(atv)).toString('base64'),
        decision: d.decision,
        source: src,
      }),
    );
  // Every fourth row is also decided on a machine under one of the simulated attacks: the vector differs only in its
  // band. Training rows become labels; held-out rows measure whether the judge learnt what step 337 decides.
  if (i % 4 === 0 || i % 4 === 1) {
    const k = Math.floor(i / 4) % attackEngines.length;
    const ae = attackEngines[k];
    const ah = attackHw[k];
    const da = ae === undefined ? undefined : await ae.firewall.evaluate(call);
    const band = ah?.last();
    if (da !== undefined && band !== undefined && ah !== undefined) {
      const v = new Float32Array(atv);
      writeHwBand(v, band);
      if (atvSha3(v) === da.facts.atv_sha3) {
        if (labelsOut !== undefined && isTrain) {
          labels.push(
            JSON.stringify({
              atv_b64: Buffer.from(atvBytes(v)).toString('base64'),
              decision: da.decision,
              source: `${src}+${ah.name}`,
            }),
          );
          attackLabels++;
        }
        if (!isTrain || !split) {
          const ja = await judge.judge({ atv: v });
          attacked.n++;
          if (ja.verdict === da.decision) attacked.agree++;
          if (ja.verdict !== 'ALLOW') attacked.caught++;
        }
      }
    }
  }
  if (rule !== mine && diffs.length < 12) {
    const top = [...j.attribution]
      .sort((a, b) => b.value - a.value)
      .slice(0, 3)
      .map((a) => `${a.subfield} ${a.value}`);
    diffs.push(
      `rules ${d.decision} [${d.rules.join(',') || `step ${d.step ?? '-'}`}] vs judge ${j.verdict} (conf ${j.confidence.toFixed(2)}; top ${top.join(', ')}): ${src} ${JSON.stringify(row.input).slice(0, 90)}`,
    );
  }
  i++;
}
if (labelsOut !== undefined) {
  writeFileSync(labelsOut, labels.join('\n') + '\n');
  console.log(
    `labels: ${labels.length} (${attackLabels} with a simulated attack in the band) → ${labelsOut}`,
  );
}

const total = confusion.flat().reduce((a, b) => a + b, 0);
const agree = [0, 1, 2].reduce((a, k) => a + ((confusion[k] as number[])[k] as number), 0);
console.log(
  `model ${hash.slice(0, 16)}… on ${total} fixture calls (${notReproduced} skipped: ATV not reproduced); judge engine fpga (sim) on ${engineFpga}`,
);
console.log(
  `agreement with the rule engine: ${((100 * agree) / Math.max(1, total)).toFixed(1)} %${split ? `; held-out (odd rows) ${((100 * held.agree) / Math.max(1, held.n)).toFixed(1)} % of ${held.n}` : ''}`,
);
console.log(
  `under a simulated hardware attack (${split ? 'held-out rows' : 'every fourth row'}): agreement ${((100 * attacked.agree) / Math.max(1, attacked.n)).toFixed(1)} %, not allowed ${((100 * attacked.caught) / Math.max(1, attacked.n)).toFixed(1)} % of ${attacked.n}`,
);
console.log('confusion (rows = rule engine, columns = judge):        ALLOW   BLOCK   REQUIRE_APPROVAL');
confusion.forEach((r, k) =>
  console.log(`  ${(VERDICTS[k] as string).padEnd(18)} ${r.map((v) => String(v).padStart(7)).join(' ')}`),
);
for (const [src, s] of bySource) console.log(`  ${src.padEnd(24)} ${s.agree}/${s.n}`);
for (const line of diffs) console.log(`  ${line}`);
console.log(
  JSON.stringify({
    bench: 'fpga-fixtures',
    model_hash: hash,
    n: total,
    agreement: agree / Math.max(1, total),
    held_out: split ? { n: held.n, agreement: held.agree / Math.max(1, held.n) } : null,
    confusion,
    by_source: Object.fromEntries(bySource),
    attacked,
    not_reproduced: notReproduced,
    engine_fpga: engineFpga,
  }),
);

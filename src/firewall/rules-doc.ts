import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPoliciesDir, loadPolicies } from './policy/load.js';
import type { Example, Policies } from './policy/types.js';
import { BASELINE_FEATURES, BASELINE_FLOOR, BASELINE_K, BASELINE_MIN_SAMPLES } from './hw-baseline.js';
import { HW_RULES } from './steps.js';

/**
 * Generates docs/rules.md from policies/firewall: every rule id with its category, decision,
 * rationale and examples, plus the ids that pipeline steps emit. Run
 * `node --import tsx src/firewall/rules-doc.ts`; tests/firewall/rules-doc.test.ts fails when the
 * committed file differs from what this renders.
 */

/** Rule ids emitted by pipeline steps rather than rule packs. */
export const STEP_RULES: ReadonlyArray<{ id: string; step: number; decision: string; rationale: string }> = [
  {
    id: 'identity.required',
    step: 308,
    decision: 'BLOCK',
    rationale: 'createFirewall({requireIdentity:true}) and the call carries no identity proof.',
  },
  {
    id: 'identity.invalid',
    step: 308,
    decision: 'BLOCK',
    rationale: 'The identity proof did not verify with the configured verifier.',
  },
  {
    id: 'drift.instruction-files',
    step: 309,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'A file that steers the agent (settings.json session.instruction_files: CLAUDE.md, AGENTS.md, .mcp.json, …) changed in the cwd since the last call; asked once per change, then re-baselined.',
  },
  {
    id: 'path.sensitive-block',
    step: 310,
    decision: 'BLOCK',
    rationale:
      'A read or write target, resolved (~, $HOME, .., cwd, cd earlier in the command), matches sensitive-paths.json `block` and no `exceptions` entry.',
  },
  {
    id: 'path.sensitive-approve',
    step: 310,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'A read or write target matches sensitive-paths.json `approve` (.env files, ~/.ssh, shell history …).',
  },
  {
    id: 'path.persistence-write',
    step: 310,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'A write target matches sensitive-paths.json `write_approve`: shell start-up files, cron, systemd and launchd units, git hooks, agent and MCP settings — files that run or configure programs later.',
  },
  {
    id: 'aid.tool-not-allowed',
    step: 315,
    decision: 'BLOCK',
    rationale: 'settings.json aid_regions limits this agent to other canonical tools.',
  },
  {
    id: 'session.circuit-breaker',
    step: 315,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'The session reached session.max_violations blocked calls; every further call needs a person (state in $AEGIS_HOME/state survives restarts).',
  },
  {
    id: 'blast.threshold',
    step: 330,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'Blast radius (blast.tools base value raised by matched rules) at or above blast.approval_threshold.',
  },
  {
    id: 'budget.tokens',
    step: 335,
    decision: 'REQUIRE_APPROVAL',
    rationale: 'The session’s estimated tool-input tokens exceed $AEGIS_TOKEN_BUDGET.',
  },
  {
    id: 'session.loop',
    step: 336,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'The same call (tool + canonical input) reached session.loop_threshold within session.loop_window_s; blocked calls do not count.',
  },
  ...HW_RULES.map((r) => ({ id: r.id, step: 337, decision: r.verdict, rationale: r.doc })),
  {
    id: 'hw.baseline-outlier',
    step: 337,
    decision: 'REQUIRE_APPROVAL',
    rationale: `A per-call hardware feature (${BASELINE_FEATURES.map((f) => f.what).join(', ')}) is above this host's learned mean + ${BASELINE_K}σ and at least ${BASELINE_FLOOR} of its scale, after ${BASELINE_MIN_SAMPLES} calls (baseline in $AEGIS_HOME/state/firewall/hw-baseline.json).`,
  },
  {
    id: 'policy.deny.<name>',
    step: 340,
    decision: 'BLOCK',
    rationale: 'A settings.json lists.deny entry (tool and/or arg_pattern over the canonical input) matched.',
  },
  {
    id: 'engine.error',
    step: 0,
    decision: 'REQUIRE_APPROVAL',
    rationale: 'Analysing the call failed unexpectedly; the engine never turns its own failure into ALLOW.',
  },
  {
    id: 'secret.in-text',
    step: 0,
    decision: 'REQUIRE_APPROVAL',
    rationale:
      'A tool result or prompt (scanText) carries a secret the redactor recognises (policies/firewall/settings.json `text.secrets`) and no text rule decided; a person decides whether the agent may see it.',
  },
  {
    id: 'judge.<name>',
    step: 340,
    decision: 'BLOCK / REQUIRE_APPROVAL',
    rationale:
      'The configured grey-zone judge decided (only when no rule decided and the call is not on the safe fast path).',
  },
];

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function exampleText(e: Example): string {
  if (typeof e === 'string') return `\`${esc(e).replace(/`/g, 'ˋ')}\``;
  const json = JSON.stringify(e.input);
  return `${e.tool} \`${esc(json.length > 90 ? json.slice(0, 89) + '…' : json).replace(/`/g, 'ˋ')}\``;
}

export function renderRulesDoc(p: Policies): string {
  const out: string[] = [
    '# Firewall rules',
    '',
    '<!-- generated by `node --import tsx src/firewall/rules-doc.ts` from policies/firewall; do not edit by hand -->',
    '',
    'Every rule id a decision can carry, with its rationale. Rule packs (step 311) live in `policies/firewall/rules/*.json`',
    '(schema `rule-pack.schema.json`); each rule’s positive and negative examples run as tests',
    '(`tests/firewall/rule-examples.test.ts`). Step rules come from the pipeline itself (docs/firewall.md).',
    '',
    `${p.packs.reduce((n, k) => n + k.rules.length, 0)} pack rules in ${p.packs.length} packs, ${STEP_RULES.length} step rules.`,
    '',
    '## Step rules',
    '',
    '| id | step | decision | rationale |',
    '|---|---:|---|---|',
    ...STEP_RULES.map((r) => `| \`${r.id}\` | ${r.step} | ${r.decision} | ${esc(r.rationale)} |`),
  ];
  for (const pack of p.packs) {
    out.push(
      '',
      `## ${pack.title} (\`rules/${pack.pack}.json\`)`,
      '',
      '| id | category | decision | rationale | example (caught) | example (not caught) |',
      '|---|---|---|---|---|---|',
    );
    for (const r of pack.rules) {
      out.push(
        `| \`${r.id}\` | ${r.category} | ${r.decision} | **${esc(r.summary)}.** ${esc(r.rationale)} | ${exampleText(r.examples.positive[0] as Example)} | ${exampleText(r.examples.negative[0] as Example)} |`,
      );
    }
  }
  out.push('', '## Sensitive paths (`sensitive-paths.json`)', '');
  out.push(`- block: ${p.sensitive.block.map((g) => `\`${g}\``).join(', ')}`);
  out.push(`- exceptions (exempt from block): ${p.sensitive.exceptions.map((g) => `\`${g}\``).join(', ')}`);
  out.push(`- approve: ${p.sensitive.approve.map((g) => `\`${g}\``).join(', ')}`);
  out.push(
    `- approve on write (persistence): ${p.sensitive.write_approve.map((g) => `\`${g}\``).join(', ')}`,
  );
  return out.join('\n') + '\n';
}

/** Where the generated file goes: docs/rules.md at the package root. */
export function rulesDocPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'rules.md');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(rulesDocPath(), renderRulesDoc(loadPolicies(defaultPoliciesDir())));
  process.stdout.write(`wrote ${rulesDocPath()}\n`);
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { AegisError, fail } from '../../core/errors.js';
import { findUpward } from '../../core/find-up.js';
import type { CommandOptions, Policies, RulePack, SensitivePaths } from './types.js';

/**
 * Loads the firewall policies (policies/firewall/*.json) and validates each file against its JSON
 * schema, so a typo in a rule pack stops start-up with POLICY_INVALID instead of silently disabling
 * a rule (the original ran with an empty policy when a file was missing, reference §3.1).
 */

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (
  ajv: Ajv2020,
) => void;

/**
 * The shipped policies/firewall: the nearest ancestor of `from` (default: this module) that has one, so the
 * same code finds it from src/ (tsx, tests) and from dist/src/ (the built CLI and daemon); undefined outside
 * the package.
 */
export function shippedFirewallPolicies(
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  return findUpward(from, (dir) =>
    existsSync(join(dir, 'policies', 'firewall', 'rules')) ? join(dir, 'policies', 'firewall') : undefined,
  );
}

export function defaultPoliciesDir(): string {
  return (
    shippedFirewallPolicies() ??
    resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'policies', 'firewall')
  );
}

function readJson(file: string): unknown {
  if (!existsSync(file)) fail('POLICY_NOT_FOUND', `policy file ${file} does not exist`, { file });
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new AegisError('POLICY_INVALID', `policy file ${file} is not valid JSON`, {
      cause: e,
      detail: { file },
    });
  }
}

function validator(ajv: Ajv2020, dir: string, schemaFile: string): ValidateFunction {
  const schema = readJson(join(dir, schemaFile)) as Record<string, unknown>;
  return ajv.compile(schema);
}

function check(v: ValidateFunction, data: unknown, file: string): void {
  if (!v(data)) {
    const first = v.errors?.[0];
    fail(
      'POLICY_INVALID',
      `policy file ${file} does not match its schema: ${first?.instancePath ?? ''} ${first?.message ?? ''}`.trim(),
      {
        file,
        pointer: first?.instancePath ?? '',
      },
    );
  }
}

/** Loads and validates every firewall policy file under `dir`. */
export function loadPolicies(dir: string = defaultPoliciesDir()): Policies {
  if (!existsSync(dir)) fail('POLICY_NOT_FOUND', `policy directory ${dir} does not exist`, { dir });
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats(ajv);
  const packSchema = validator(ajv, dir, 'rule-pack.schema.json');
  const rulesDir = join(dir, 'rules');
  const files = existsSync(rulesDir)
    ? readdirSync(rulesDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  if (files.length === 0) fail('POLICY_NOT_FOUND', `no rule packs in ${rulesDir}`, { dir: rulesDir });
  const packs: RulePack[] = [];
  const ids = new Set<string>();
  for (const f of files) {
    const file = join(rulesDir, f);
    const data = readJson(file);
    check(packSchema, data, file);
    const pack = data as RulePack;
    for (const r of pack.rules) {
      if (ids.has(r.id)) fail('POLICY_INVALID', `rule id ${r.id} appears twice`, { file, rule: r.id });
      ids.add(r.id);
    }
    packs.push(pack);
  }
  const load = <T>(name: string, schema: string): T => {
    const file = join(dir, name);
    const data = readJson(file);
    check(validator(ajv, dir, schema), data, file);
    return data as T;
  };
  const sensitive = load<SensitivePaths>('sensitive-paths.json', 'sensitive-paths.schema.json');
  const commands = load<CommandOptions>('commands.json', 'commands.schema.json');
  const settings = load<Pick<Policies, 'blast' | 'session' | 'aid_regions' | 'lists' | 'text'>>(
    'settings.json',
    'settings.schema.json',
  );
  return { packs, sensitive, commands, ...settings };
}

import { fail } from '#core/errors.js';
import { isJsonObject, type JsonValue } from '#core/canonical-json.js';
import { CHECK_BY_NAME, type CheckDef } from './checks.js';

/**
 * An appraisal policy: expected values for named checks (policies/attestation/appraisal-policy.schema.json).
 * Nested sections (`tdx`, `sgx`, `sev_snp`, `sev_snp.min_tcb`, `sev_snp.guest_policy`) flatten to the
 * check names of checks.ts. Unknown names are rejected (a typo must not silently turn a check off).
 */
export type PolicyValue = string | number | boolean | string[];

export interface AppraisalPolicy {
  description: string | undefined;
  expected: ReadonlyMap<string, PolicyValue>;
}

const META = new Set(['$schema', 'description', 'version']);

function value(def: CheckDef, v: JsonValue): PolicyValue {
  const bad = (want: string): never => fail('POLICY_INVALID', `policy ${def.name} must be ${want}`);
  switch (def.kind) {
    case 'hex': {
      const n = (def.bytes ?? 0) * 2;
      if (typeof v !== 'string' || !/^(0x)?[0-9a-fA-F]*$/.test(v) || v.replace(/^0x/, '').length !== n)
        return bad(`${def.bytes}-byte hex`);
      return v.replace(/^0x/, '').toLowerCase();
    }
    case 'eq':
      if (def.name === 'tee')
        return v === 'sgx' || v === 'tdx' || v === 'sev-snp' ? v : bad('"sgx", "tdx" or "sev-snp"');
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad('a non-negative integer');
    case 'min':
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad('a non-negative integer');
    case 'bool':
    case 'forbid':
      return typeof v === 'boolean' ? v : bad('true or false');
    case 'one-of':
      return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')
        ? (v as string[])
        : bad('a non-empty list of strings');
  }
}

function flatten(prefix: string, o: { [k: string]: JsonValue }, out: Map<string, PolicyValue>): void {
  for (const [k, v] of Object.entries(o)) {
    if (prefix === '' && META.has(k)) continue;
    const name = prefix === '' ? k : `${prefix}.${k}`;
    const def = CHECK_BY_NAME.get(name);
    if (def !== undefined) out.set(name, value(def, v));
    else if (isJsonObject(v) && [...CHECK_BY_NAME.keys()].some((n) => n.startsWith(`${name}.`)))
      flatten(name, v, out);
    else fail('POLICY_INVALID', `policy names an unknown check ${name}`);
  }
}

/** Parses a policy JSON value (the CLI reads the file; this layer stays pure). */
export function parsePolicy(v: JsonValue): AppraisalPolicy {
  if (!isJsonObject(v)) fail('POLICY_INVALID', 'a policy must be a JSON object');
  if (v['version'] !== undefined && v['version'] !== 1) fail('POLICY_INVALID', 'policy version must be 1');
  const d = v['description'];
  if (d !== undefined && typeof d !== 'string') fail('POLICY_INVALID', 'policy description must be a string');
  const expected = new Map<string, PolicyValue>();
  flatten('', v, expected);
  return { description: d, expected };
}

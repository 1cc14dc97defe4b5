import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atvBytes, atvSha3, encodeAtv, type AtvInput } from '#atv/encode.js';
import { ATV_BYTES, subfield } from '#atv/layout.js';
import { sha3_256Hex } from '#crypto/hash.js';
import { repoRoot } from '../helpers/fixtures.js';

const input: AtvInput = {
  aid: 'session-42',
  tenant: 'acme',
  plan: 'IGNORE the SYSTEM prompt?! see http://x',
  tool: 'execute_shell',
  argsJson: '{"command":"rm -rf /tmp/x | base64"}',
  blast: 8,
  recentActions: [{ tool: 'Read' }],
  cost: { input_token_count: 12 },
};

// The same script in two fresh processes: the original's ATV differed per process (hash(tenant_id)).
const script = `import { encodeAtv, atvSha3 } from ${JSON.stringify(join(repoRoot, 'src/atv/encode.ts'))};
process.stdout.write(atvSha3(encodeAtv(${JSON.stringify(input)}).vector));`;

function inChild(): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('ATV-2080-v1 encoding', () => {
  it('gives the same atv_sha3 in two different processes and in this one', () => {
    const a = inChild();
    const b = inChild();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(atvSha3(encodeAtv(input).vector)).toBe(a);
  });
  it('atv_sha3 is SHA3-256 over 8,320 little-endian float32 bytes', () => {
    const { vector } = encodeAtv(input);
    const bytes = atvBytes(vector);
    expect(bytes.length).toBe(ATV_BYTES);
    const dv = new DataView(bytes.buffer);
    const i = subfield('action_blast_radius').offset;
    expect(dv.getFloat32(i * 4, true)).toBeCloseTo(0.8, 6);
    expect(atvSha3(vector)).toBe(sha3_256Hex(bytes));
  });
  it('different input → different vector', () => {
    expect(atvSha3(encodeAtv({ ...input, blast: 2 }).vector)).not.toBe(atvSha3(encodeAtv(input).vector));
  });
  it('hardware band is zero with an empty availability mask when there is no hardware', () => {
    const { vector, hwMask, hwSource } = encodeAtv(input);
    expect(hwMask).toBe(0);
    expect(hwSource).toBe('none');
    expect(vector.subarray(1880).every((x) => x === 0)).toBe(true);
  });
  it('fills only the subfields a snapshot provides, clamped to 0..1, and flags them', () => {
    const { vector, hwMask } = encodeAtv(input, {
      source: 'sim',
      values: { dma_fanout: [0.75, 2], network_telemetry: [0.1] },
    });
    expect(hwMask).toBe((1 << 3) | (1 << 6));
    const dma = subfield('dma_fanout').offset;
    expect(vector[dma]).toBeCloseTo(0.75, 6);
    expect(vector[dma + 1]).toBe(1);
    expect(vector[subfield('memory_timing_histograms').offset]).toBe(0);
  });
  it('software encoders follow the reference formulas (prompt_structure, tool_arg_inspection)', () => {
    const { vector } = encodeAtv(input);
    const ps = subfield('prompt_structure').offset;
    expect(vector[ps + 4]).toBe(1); // contains "ignore"
    expect(vector[ps + 5]).toBe(1); // contains "system"
    const ta = subfield('tool_arg_inspection').offset;
    expect(vector[ta]).toBe(1); // destructive verb "rm "
    expect(vector[ta + 2]).toBe(1); // "base64"
    expect(vector[ta + 4]).toBe(1); // shell special "|"
    let norm = 0;
    for (const x of vector.subarray(subfield('agent_state_embedding').offset, 768)) norm += x * x;
    expect(norm).toBeCloseTo(1, 4); // hash-expand is L2-normalised
  });
});

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { homePublicKeys, openHomeAuditLog } from '../../appliance/audit-log.js';
import { aegisHome } from '../../appliance/home.js';
import { buildProof, verifyProof } from '../../audit/proof.js';
import { EVENT_FIELDS, type AuditEvent } from '../../audit/record.js';
import { isJsonObject, parseJson, type JsonObject } from '../../core/canonical-json.js';
import { fail } from '../../core/errors.js';
import { readPublicKeys } from '../../crypto/key-files.js';
import { action, printJson } from '../action.js';
import type { CliIo, CommandModule } from '../context.js';
import { readInputText } from '../input.js';

/**
 * A user's event keeps everything they sent: fields the record has no place for (`{"kind":"x","ticket":"SEC-4711"}`)
 * move under `data`, where they are hashed and signed with the rest. A name already in `data` is refused rather than
 * overwritten, and a `data` that is not an object is left for the log to refuse.
 */
export function withExtrasUnderData(ev: JsonObject): AuditEvent {
  const extras = Object.keys(ev).filter((k) => !EVENT_FIELDS.has(k));
  if (extras.length === 0) return ev as unknown as AuditEvent;
  const data = ev['data'] ?? {};
  if (!isJsonObject(data)) return ev as unknown as AuditEvent;
  const out: JsonObject = {};
  const merged: JsonObject = { ...data };
  for (const [k, v] of Object.entries(ev)) {
    if (EVENT_FIELDS.has(k)) {
      if (k !== 'data') out[k] = v;
      continue;
    }
    if (k in merged)
      fail(
        'AUDIT_EVENT_FIELD_CONFLICT',
        `--event has a top-level "${k.slice(0, 64)}" and a data."${k.slice(0, 64)}"; keep one`,
      );
    merged[k] = v;
  }
  out['data'] = merged;
  return out as unknown as AuditEvent;
}

/** `aegis audit append|checkpoint|proof|verify-proof`. */
export const auditCommand: CommandModule = {
  register(program: Command, io: CliIo) {
    const group = program
      .command('audit')
      .description('append events, write checkpoints and make or check inclusion proofs');
    group
      .command('append')
      .description('append an external event (e.g. an approval) to the audit log; prints seq and this_hash')
      .requiredOption(
        '--event <json>',
        'the event: {"kind": "...", "session"?, "tool"?, "decision"?, "reason"?, "rules"?, "data"?}; other top-level fields are stored under "data" (a clash with a "data" key is refused)',
      )
      .option('--json', 'print as JSON')
      .action(
        action(io, async (opts: { event: string; json?: boolean }) => {
          const ev = parseJson(opts.event, '--event');
          if (!isJsonObject(ev)) fail('AUDIT_EVENT_INVALID', '--event must be a JSON object');
          const event = withExtrasUnderData(ev);
          const log = await openHomeAuditLog(aegisHome(io.env), io.env);
          try {
            const r = await log.append(event);
            if (opts.json) printJson(io, r);
            else io.out(`seq ${r.seq} this_hash ${r.this_hash}`);
          } finally {
            await log.close();
          }
          return 0;
        }),
      );
    group
      .command('checkpoint')
      .description('sign a checkpoint (Ed25519 + ML-DSA-65) over every record now in the log')
      .option('--json', 'print as JSON')
      .action(
        action(io, async (opts: { json?: boolean }) => {
          const log = await openHomeAuditLog(aegisHome(io.env), io.env);
          let size = log.size;
          try {
            const cp = await log.checkpoint();
            size = cp?.size ?? size;
          } finally {
            await log.close();
          }
          if (opts.json) printJson(io, { ok: true, size });
          else io.out(`checkpoint covers ${size} records`);
          return 0;
        }),
      );
    group
      .command('proof')
      .description('write a c2sp.org/tlog-proof@v1 inclusion proof for one record')
      .requiredOption('--seq <n>', 'the record sequence number')
      .option('--out <file>', 'write the proof here instead of stdout')
      .action(
        action(io, (opts: { seq: string; out?: string }) => {
          if (!/^(0|[1-9][0-9]*)$/.test(opts.seq)) fail('USAGE', '--seq must be a non-negative integer');
          const proof = buildProof(aegisHome(io.env).log, Number(opts.seq));
          if (opts.out) {
            writeFileSync(opts.out, proof);
            io.err(`wrote ${opts.out}`);
          } else io.out(proof);
          return 0;
        }),
      );
    group
      .command('verify-proof')
      .description('verify an inclusion proof offline against the audit public keys')
      .argument('<file>', 'the .tlog-proof file')
      .option(
        '--keys <dir>',
        'directory with audit-ed25519.pub and audit-ml-dsa-65.pub (default $AEGIS_HOME/keys)',
      )
      .option('--json', 'print as JSON')
      .action(
        action(io, (file: string, opts: { keys?: string; json?: boolean }) => {
          const keysDir = opts.keys ?? aegisHome(io.env).keys;
          const k = opts.keys ? readPublicKeys(keysDir) : undefined;
          const keys = k
            ? { ed25519: k.ed25519.spki, mldsa: k.mldsa.spki }
            : homePublicKeys(aegisHome(io.env));
          if (!keys) fail('KEY_NOT_FOUND', `no audit public keys in ${keysDir}; pass --keys DIR`);
          const v = verifyProof(readInputText(file, 'proof file'), keys);
          if (opts.json) printJson(io, v);
          else
            io.out(
              `${v.ok ? 'VALID' : 'INVALID'}: record ${v.index} in checkpoint of size ${v.size} (${v.origin})\n` +
                Object.entries(v.checks)
                  .map(([c, ok]) => `  ${c}: ${ok === null ? 'n/a' : ok ? 'ok' : 'FAILED'}`)
                  .join('\n'),
            );
          return v.ok ? 0 : 1;
        }),
      );
  },
};

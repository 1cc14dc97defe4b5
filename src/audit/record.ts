import { canonicalJson, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import { concatBytes, utf8 } from '../core/bytes.js';
import { fromHex, toHex } from '../core/encoding.js';
import { sha3_256 } from '../crypto/hash.js';

/**
 * The audit record (DESIGN.md, Contracts: Audit record; exact bytes in docs/formats.md).
 * One JSON object per line. Every field is present; absent values are null, so the canonical form of a
 * record never depends on which optional fields a writer chose to emit.
 */
export const RECORD_VERSION = 1;

/** Domain tag hashed before the canonical record, so no other Aegis structure can collide with a record. */
export const RECORD_HASH_DOMAIN = utf8.encode('aegis-audit-record-v1\0');
/** Domain tag prepended to this_hash in the bytes both signature algorithms sign. */
export const RECORD_SIG_DOMAIN = utf8.encode('aegis-audit-sig-v1\0');

export const ZERO_HASH = '0'.repeat(64);

export interface RecordSignatures {
  ed25519: string | null;
  ml_dsa_65: string | null;
}

/** The hashed part of a record, in the order writers emit it. */
export interface RecordBody {
  v: number;
  seq: number;
  ts: string;
  kind: string;
  aid: string | null;
  tenant: string | null;
  session: string | null;
  tool: string | null;
  args_sha3: string | null;
  decision: string | null;
  reason: string | null;
  rules: string[];
  atv_sha3: string | null;
  data: JsonObject | null;
  prev_hash: string;
}

export interface AuditRecord extends RecordBody {
  this_hash: string;
  sig: RecordSignatures;
}

/** What a caller supplies to append; the log fills v, seq, ts, prev_hash, hashes and signatures. */
export interface AuditEvent {
  kind: string;
  aid?: string | null;
  tenant?: string | null;
  session?: string | null;
  tool?: string | null;
  args_sha3?: string | null;
  decision?: string | null;
  reason?: string | null;
  rules?: string[];
  atv_sha3?: string | null;
  data?: JsonObject | null;
}

export const BODY_FIELDS = [
  'v',
  'seq',
  'ts',
  'kind',
  'aid',
  'tenant',
  'session',
  'tool',
  'args_sha3',
  'decision',
  'reason',
  'rules',
  'atv_sha3',
  'data',
  'prev_hash',
] as const;

/** What the log fills in itself. */
const LOG_FIELDS: ReadonlySet<string> = new Set(['v', 'seq', 'ts', 'prev_hash']);

/** The fields an appender may set: the record body less what the log fills in. */
export const EVENT_FIELDS: ReadonlySet<string> = new Set(BODY_FIELDS.filter((f) => !LOG_FIELDS.has(f)));

/** The event fields that are strings or null (the others: kind, rules, data). */
export const EVENT_STRING_FIELDS = [
  'aid',
  'tenant',
  'session',
  'tool',
  'args_sha3',
  'decision',
  'reason',
  'atv_sha3',
] as const;

export function makeBody(ev: AuditEvent, seq: number, ts: string, prevHash: string): RecordBody {
  return {
    v: RECORD_VERSION,
    seq,
    ts,
    kind: ev.kind,
    aid: ev.aid ?? null,
    tenant: ev.tenant ?? null,
    session: ev.session ?? null,
    tool: ev.tool ?? null,
    args_sha3: ev.args_sha3 ?? null,
    decision: ev.decision ?? null,
    reason: ev.reason ?? null,
    rules: ev.rules ?? [],
    atv_sha3: ev.atv_sha3 ?? null,
    data: ev.data ?? null,
    prev_hash: prevHash,
  };
}

/** this_hash = SHA3-256(RECORD_HASH_DOMAIN ‖ JCS(record without this_hash and sig)). */
export function hashBody(body: RecordBody | Record<string, JsonValue>): Uint8Array {
  return sha3_256(RECORD_HASH_DOMAIN, canonicalJson(body));
}

/** The bytes Ed25519 and ML-DSA-65 sign for a record: RECORD_SIG_DOMAIN ‖ this_hash (32 raw bytes). */
export function recordSigningBytes(thisHash: Uint8Array | string): Uint8Array {
  return concatBytes(
    RECORD_SIG_DOMAIN,
    typeof thisHash === 'string' ? fromHex(thisHash, 'this_hash') : thisHash,
  );
}

/** Serialises a record as one line (plain JSON.stringify; the hash never depends on this layout). */
export function recordLine(body: RecordBody, thisHash: Uint8Array, sig: RecordSignatures): string {
  return JSON.stringify({ ...body, this_hash: toHex(thisHash), sig }) + '\n';
}

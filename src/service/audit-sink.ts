import { openHomeAuditLog } from '../appliance/audit-log.js';
import type { AegisHome } from '../appliance/home.js';
import type { AuditEvent } from '../audit/record.js';

/**
 * What the daemon needs from the audit log: append one event durably before answering, checkpoint, close.
 * The daemon is its only writer (DESIGN.md, Decision flow); tests may pass an AuditLog opened elsewhere.
 */
export interface AuditSink {
  readonly name: string;
  append(event: AuditEvent): Promise<unknown>;
  checkpoint(): Promise<unknown>;
  close(): Promise<void>;
}

/** The home's signed audit log (Ed25519 per record, Ed25519 + ML-DSA-65 checkpoints). */
export async function openHomeSink(home: AegisHome, env: NodeJS.ProcessEnv): Promise<AuditSink> {
  const log = await openHomeAuditLog(home, env);
  return {
    name: `signed audit log ${home.log}`,
    append: (e) => log.append(e),
    checkpoint: () => log.checkpoint(),
    close: () => log.close(),
  };
}

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ApprovalBook, ApprovalScope, StandingAnswer } from '../appliance/decide.js';
import { isJsonObject } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';

/** A call the firewall asked about, kept so `aegis approve <trace>` can find what to approve. */
interface Pending {
  sessionId: string;
  fingerprint: string;
  toolName: string;
  reason: string;
  toolUseId?: string;
}

interface Entry extends StandingAnswer {
  fingerprint: string;
  /** Set for session-scoped answers. */
  sessionId?: string;
}

/** The asked calls the daemon remembers; older ones are forgotten first (bounded memory). */
const MAX_PENDING = 2048;

/**
 * User approvals and denials held by the daemon. Matching is on the call fingerprint (SHA3-256 of the
 * canonical {tool, input}), so the book never holds raw arguments. `once` is spent by one use, `session`
 * lasts for the Claude Code session, `always` is persisted in $AEGIS_HOME/state/approvals.json. A denial
 * (`aegis deny`) lasts for the session and wins over any approval.
 */
export class ApprovalStore implements ApprovalBook {
  private readonly pending = new Map<string, Pending>();
  private entries: Entry[] = [];

  constructor(private readonly persistPath?: string) {
    if (persistPath !== undefined) this.entries = loadAlways(persistPath);
  }

  remember(trace: string, call: Pending): void {
    this.pending.set(trace, call);
    if (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
  }

  ranAfterAsk(toolUseId: string): string | undefined {
    for (const [trace, p] of this.pending) {
      if (p.toolUseId !== toolUseId) continue;
      // Answered in Claude Code's prompt: it no longer awaits `aegis approve`.
      this.pending.delete(trace);
      return trace;
    }
    return undefined;
  }

  match(sessionId: string, fingerprint: string): StandingAnswer | undefined {
    const hits = this.entries.filter(
      (e) => e.fingerprint === fingerprint && (e.sessionId === undefined || e.sessionId === sessionId),
    );
    const hit = hits.find((e) => e.answer === 'denied') ?? hits[0];
    return hit === undefined ? undefined : { answer: hit.answer, trace: hit.trace, scope: hit.scope };
  }

  used(answer: StandingAnswer): void {
    if (answer.scope !== 'once') return;
    const i = this.entries.findIndex((e) => e.trace === answer.trace && e.answer === 'approved');
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Records the user's approval of an asked call; returns what was approved (for the audit event). */
  approve(trace: string, scope: ApprovalScope): { toolName: string; fingerprint: string; sessionId: string } {
    const p = this.take(trace);
    this.entries = this.entries.filter(
      (e) => !(e.fingerprint === p.fingerprint && e.answer === 'denied' && e.sessionId === p.sessionId),
    );
    this.entries.push({
      answer: 'approved',
      trace,
      scope,
      fingerprint: p.fingerprint,
      ...(scope === 'always' ? {} : { sessionId: p.sessionId }),
    });
    if (scope === 'always') this.persist();
    return { toolName: p.toolName, fingerprint: p.fingerprint, sessionId: p.sessionId };
  }

  /** Records the user's denial: identical calls in that session are blocked without asking again. */
  deny(trace: string): { toolName: string; fingerprint: string; sessionId: string } {
    const p = this.take(trace);
    this.entries.push({
      answer: 'denied',
      trace,
      scope: 'session',
      fingerprint: p.fingerprint,
      sessionId: p.sessionId,
    });
    return { toolName: p.toolName, fingerprint: p.fingerprint, sessionId: p.sessionId };
  }

  counts(): { pending: number; approvals: number; denials: number } {
    return {
      pending: this.pending.size,
      approvals: this.entries.filter((e) => e.answer === 'approved').length,
      denials: this.entries.filter((e) => e.answer === 'denied').length,
    };
  }

  private take(trace: string): Pending {
    const p = this.pending.get(trace);
    if (p === undefined)
      fail(
        'APPROVAL_TRACE_UNKNOWN',
        `no call awaiting approval has trace ${trace} (it may be answered already, or the daemon restarted)`,
        {
          exit: 1,
        },
      );
    this.pending.delete(trace);
    return p;
  }

  private persist(): void {
    if (this.persistPath === undefined) return;
    const always = this.entries.filter((e) => e.scope === 'always');
    const tmp = `${this.persistPath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, always }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.persistPath);
  }
}

function loadAlways(path: string): Entry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  const list = isJsonObject(parsed) ? parsed['always'] : undefined;
  if (!Array.isArray(list)) return [];
  const out: Entry[] = [];
  for (const e of list) {
    if (!isJsonObject(e)) continue;
    const { trace, fingerprint } = e;
    if (typeof trace === 'string' && typeof fingerprint === 'string' && /^[0-9a-f]{64}$/.test(fingerprint))
      out.push({ answer: 'approved', trace, scope: 'always', fingerprint });
  }
  return out;
}

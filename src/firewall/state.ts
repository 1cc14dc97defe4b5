import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha3_256Hex } from '../crypto/hash.js';
import type { HwBaseline } from './hw-baseline.js';

/**
 * State of the stateful detectors (loop, circuit breaker, token budget, instruction drift) as small
 * JSON files under a directory the caller passes in ($AEGIS_HOME/state from the CLI and daemon), so
 * it survives processes and restarts (the original kept it in process memory: §12.3 defect 6).
 * Writes go to a temporary file and are renamed into place, so a crash never leaves half a file.
 */

export interface SessionState {
  /** Call fingerprint → times (ms) it was seen and not blocked, within the loop window. */
  loops: Record<string, number[]>;
  /** Estimated tokens of tool input in this session (step 335). */
  tokens: number;
  /** BLOCK decisions in this session (step 315 circuit breaker). */
  violations: number;
}

export interface DriftState {
  /** Tracked file (relative to cwd) → SHA3-256 hex, or null when absent. */
  files: Record<string, string | null>;
}

export interface StateStore {
  loadSession(session: string): SessionState;
  saveSession(session: string, s: SessionState): void;
  loadDrift(cwd: string): DriftState | undefined;
  saveDrift(cwd: string, s: DriftState): void;
  /** The host's hardware-band baseline (step 337). */
  loadHwBaseline(): HwBaseline;
  saveHwBaseline(b: HwBaseline): void;
}

const emptySession = (): SessionState => ({ loops: {}, tokens: 0, violations: 0 });

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined; // missing or damaged state starts fresh; detectors only ever get stricter with state
  }
}

function writeAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, file);
}

export class DirStateStore implements StateStore {
  private readonly sessions: string;
  private readonly drift: string;

  constructor(dir: string) {
    this.sessions = join(dir, 'firewall', 'sessions');
    this.drift = join(dir, 'firewall', 'drift');
    mkdirSync(this.sessions, { recursive: true, mode: 0o700 });
    mkdirSync(this.drift, { recursive: true, mode: 0o700 });
  }

  // File names are hashes: session ids and paths are caller-controlled text.
  private sessionFile(session: string): string {
    return join(this.sessions, `${sha3_256Hex(session).slice(0, 32)}.json`);
  }

  loadSession(session: string): SessionState {
    const s = readJson<SessionState>(this.sessionFile(session));
    return s !== undefined && typeof s.tokens === 'number' && typeof s.loops === 'object'
      ? s
      : emptySession();
  }

  saveSession(session: string, s: SessionState): void {
    writeAtomic(this.sessionFile(session), s);
  }

  loadDrift(cwd: string): DriftState | undefined {
    return readJson<DriftState>(join(this.drift, `${sha3_256Hex(cwd).slice(0, 32)}.json`));
  }

  saveDrift(cwd: string, s: DriftState): void {
    writeAtomic(join(this.drift, `${sha3_256Hex(cwd).slice(0, 32)}.json`), s);
  }

  private baseline: HwBaseline | undefined;
  private unsaved = 0;

  loadHwBaseline(): HwBaseline {
    this.baseline ??= readJson<HwBaseline>(join(this.drift, '..', 'hw-baseline.json')) ?? {};
    return this.baseline;
  }

  /** Written every 32 updates (and by the first): the baseline moves slowly; a lost tail of updates is harmless. */
  saveHwBaseline(b: HwBaseline): void {
    this.baseline = b;
    if (this.unsaved++ % 32 === 0) writeAtomic(join(this.drift, '..', 'hw-baseline.json'), b);
  }
}

/** In-memory state (tests, and sessions that have no id: each call is its own session). */
export class MemoryStateStore implements StateStore {
  private readonly s = new Map<string, SessionState>();
  private readonly d = new Map<string, DriftState>();
  loadSession(session: string): SessionState {
    return structuredClone(this.s.get(session) ?? emptySession());
  }
  saveSession(session: string, st: SessionState): void {
    this.s.set(session, structuredClone(st));
  }
  loadDrift(cwd: string): DriftState | undefined {
    return this.d.get(cwd);
  }
  saveDrift(cwd: string, st: DriftState): void {
    this.d.set(cwd, st);
  }
  private b: HwBaseline = {};
  loadHwBaseline(): HwBaseline {
    return this.b;
  }
  saveHwBaseline(b: HwBaseline): void {
    this.b = b;
  }
}

import { aegisHome } from '../appliance/home.js';
import { isAegisError, toAegisError } from '../core/errors.js';
import { parsePid } from '../core/pid.js';
import { socketRequest } from '../service/client.js';
import { spawnDaemon } from '../service/launcher.js';
import { daemonPaths } from '../service/paths.js';
import { decodeWire, failAnswer, type HookAnswer } from './answer.js';
import { loadFailPolicy } from './fail-policy.js';
import { AGENT_PID_HEADER, KNOWN_EVENTS } from './protocol.js';

export interface RunHookOptions {
  env: NodeJS.ProcessEnv;
  /** Start the daemon when it does not answer (default: yes, unless AEGIS_HOOK_START_DAEMON=0). */
  startDaemon?: boolean;
  /**
   * Budget for the whole fallback. Claude Code lets a timed-out hook's call proceed (reference §1), so this
   * path must always finish first: shim curl 5 s + Node start + this 15 s stays under the installer's 30 s.
   */
  budgetMs?: number;
}

/**
 * The in-process hook path (`aegis hook`), used when the shim's fast path did not get an answer: post stdin
 * to the daemon; if no daemon answers, start one and post again; if that fails too, answer by the fail
 * policy. The daemon stays the only writer of the audit log, so this path never decides on its own.
 */
export async function runHook(input: Uint8Array, opts: RunHookOptions): Promise<HookAnswer> {
  const home = aegisHome(opts.env);
  const policy = loadFailPolicy(opts.env, home.config);
  const deadline = Date.now() + (opts.budgetMs ?? 15_000);
  const left = (cap: number): number => Math.max(100, Math.min(cap, deadline - Date.now()));
  let why: string;
  try {
    const paths = daemonPaths(home);
    const post = async (): Promise<HookAnswer> => {
      const res = await socketRequest(
        paths.socket,
        'POST',
        '/v1/hook',
        { bytes: input, type: 'application/octet-stream', headers: agentPidHeader(opts.env) },
        left(5000),
      );
      const answer = res.status === 200 ? decodeWire(res.body.toString('utf8')) : undefined;
      if (answer === undefined)
        throw toAegisError(new Error(`daemon answered HTTP ${res.status}`), 'DAEMON_BAD_ANSWER');
      return answer;
    };
    try {
      return await post();
    } catch (e) {
      const mayStart = opts.startDaemon ?? opts.env['AEGIS_HOOK_START_DAEMON'] !== '0';
      if (!isAegisError(e, 'DAEMON_UNREACHABLE') || !mayStart) throw e;
      await spawnDaemon(paths, { env: opts.env, waitMs: left(8000) });
      return await post();
    }
  } catch (e) {
    const err = toAegisError(e);
    why = `${err.code}: ${err.message}`;
  }
  return failAnswer(policy.mode, peekEventName(input), why);
}

/** The shim passes its parent (the agent) as $AEGIS_AGENT_PID; the daemon reads that process tree's counters. */
function agentPidHeader(env: NodeJS.ProcessEnv): Record<string, string> {
  const pid = parsePid(env['AEGIS_AGENT_PID']);
  return pid === undefined ? {} : { [AGENT_PID_HEADER]: String(pid) };
}

/** The event name, if the input is readable JSON naming a known event; the fail answer uses its format. */
export function peekEventName(input: Uint8Array): string | undefined {
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(input));
    const name =
      typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['hook_event_name'] : undefined;
    return typeof name === 'string' && (KNOWN_EVENTS as readonly string[]).includes(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

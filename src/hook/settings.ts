import { isJsonObject, type JsonObject, type JsonValue } from '../core/canonical-json.js';
import { fail } from '../core/errors.js';

/**
 * Pure edits of a Claude Code settings object (reference/claude-code-hooks.md §1): add or remove Aegis's hook
 * handlers and nothing else. The user's own hooks, matcher groups and settings are kept exactly; Aegis's
 * handlers live in matcher groups of their own, so removing them never touches a user's group.
 */

/** The events Aegis registers, with the matcher each uses ("*" = every tool; omitted = every occurrence). */
export const AEGIS_EVENTS: ReadonlyArray<{ event: string; matcher?: string }> = [
  { event: 'PreToolUse', matcher: '*' },
  { event: 'PostToolUse', matcher: '*' },
  { event: 'UserPromptSubmit' },
  { event: 'SessionStart' },
  { event: 'Stop' },
];

/**
 * Seconds Claude Code waits for the hook. A timed-out command hook does not block (reference §1), so the
 * shim's own limits (curl 5 s, fallback ~15 s) stay well below it and always end in an answer.
 */
export const HOOK_TIMEOUT_S = 30;

/** True for a handler command that runs an Aegis shim (any install location). */
export function isAegisCommand(command: unknown): boolean {
  return typeof command === 'string' && /(^|\/)aegis-hook['"]?\s*$/.test(command.trim());
}

export interface Edit {
  settings: JsonObject;
  /** One line per change, for the installer's report; empty when nothing changed. */
  changes: string[];
}

function hooksOf(settings: JsonObject): JsonObject | undefined {
  const hooks = settings['hooks'];
  if (hooks === undefined) return undefined;
  if (!isJsonObject(hooks))
    fail(
      'SETTINGS_UNEXPECTED_SHAPE',
      '"hooks" in the settings file is not an object; fix it by hand or use --settings',
    );
  return hooks;
}

function groupsOf(hooks: JsonObject, event: string): JsonValue[] {
  const groups = hooks[event];
  if (groups === undefined) return [];
  if (!Array.isArray(groups))
    fail('SETTINGS_UNEXPECTED_SHAPE', `"hooks.${event}" in the settings file is not an array`);
  return groups;
}

function handlersOf(group: JsonValue): JsonValue[] {
  if (!isJsonObject(group)) return [];
  const h = group['hooks'];
  return Array.isArray(h) ? h : [];
}

function isOurGroup(group: JsonValue, command: string): boolean {
  return handlersOf(group).some((h) => isJsonObject(h) && h['command'] === command);
}

/** Adds Aegis's handler for each event unless an identical one is there already (idempotent). */
export function addAegisHooks(input: JsonObject, command: string): Edit {
  const settings = structuredClone(input);
  const changes: string[] = [];
  const hooks = hooksOf(settings) ?? {};
  for (const { event, matcher } of AEGIS_EVENTS) {
    const groups = groupsOf(hooks, event);
    if (groups.some((g) => isOurGroup(g, command))) continue;
    const handler: JsonObject = { type: 'command', command, timeout: HOOK_TIMEOUT_S };
    groups.push(matcher === undefined ? { hooks: [handler] } : { matcher, hooks: [handler] });
    hooks[event] = groups;
    changes.push(`added the ${event} hook${matcher === undefined ? '' : ` (matcher "${matcher}")`}`);
  }
  if (changes.length > 0) settings['hooks'] = hooks;
  return { settings, changes };
}

/**
 * Removes every Aegis handler (matched by `isAegis`, default: any aegis-hook command). A group, event list or
 * `hooks` object is dropped only when it became empty by this removal; one the user left empty stays.
 */
export function removeAegisHooks(
  input: JsonObject,
  isAegis: (command: unknown) => boolean = isAegisCommand,
): Edit {
  const settings = structuredClone(input);
  const changes: string[] = [];
  const hooks = hooksOf(settings);
  if (hooks === undefined) return { settings, changes };
  for (const event of Object.keys(hooks)) {
    const groups = hooks[event];
    if (!Array.isArray(groups)) continue;
    const kept: JsonValue[] = [];
    for (const group of groups) {
      const handlers = handlersOf(group);
      const rest = handlers.filter((h) => !(isJsonObject(h) && isAegis(h['command'])));
      if (rest.length === handlers.length) {
        kept.push(group);
        continue;
      }
      changes.push(`removed the Aegis ${event} hook`);
      if (rest.length > 0 && isJsonObject(group)) kept.push({ ...group, hooks: rest });
    }
    if (kept.length === groups.length) continue;
    if (kept.length > 0) hooks[event] = kept;
    else delete hooks[event];
  }
  if (changes.length > 0 && Object.keys(hooks).length === 0) delete settings['hooks'];
  return { settings, changes };
}

import type { ShellCommand } from '../shell/types.js';
import { DYNAMIC } from '../shell/words.js';

/** Flags, operands and argument text of one command, as the rule matcher sees them. */
export interface CommandFacts {
  readonly flags: ReadonlySet<string>;
  /** Operands in order, original case. */
  readonly operands: readonly string[];
  /** Operands lower-cased and space-joined (what `sub` matches). */
  readonly subText: string;
  /** All arguments joined by one space, placeholders shown as `?`. */
  readonly argText: string;
  /** argText plus stdin text. */
  readonly fullText: string;
}

/**
 * `-rf` counts as `-rf`, `-r` and `-f` (POSIX utility syntax guideline 5: clustered options);
 * `--force=true` counts as `--force`; long options are lower-cased (`--HARD`), short ones keep
 * their case because `git branch -d` and `-D` differ.
 */
export function commandFacts(cmd: ShellCommand, valueOptions: ReadonlySet<string>): CommandFacts {
  const flags = new Set<string>();
  const operands: string[] = [];
  let afterDashDash = false;
  for (let i = 1; i < cmd.argv.length; i++) {
    const a = cmd.argv[i] as string;
    if (afterDashDash) {
      operands.push(a);
      continue;
    }
    if (a === '--') {
      afterDashDash = true;
      continue;
    }
    if (a.startsWith('--') && a.length > 2) {
      flags.add(a.slice(0, a.includes('=') ? a.indexOf('=') : undefined).toLowerCase());
      if (!a.includes('=') && valueOptions.has(a)) i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-[0-9]/.test(a)) {
      const head = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      flags.add(head);
      if (/^-[A-Za-z]+$/.test(head)) for (const ch of head.slice(1)) flags.add(`-${ch}`);
      if (!a.includes('=') && valueOptions.has(a)) i++;
      continue;
    }
    operands.push(a);
  }
  const show = (s: string): string => s.split(DYNAMIC).join('?');
  const argText = cmd.argv.slice(1).map(show).join(' ');
  return {
    flags,
    operands,
    subText: operands.map((o) => show(o).toLowerCase()).join(' '),
    argText,
    fullText: cmd.stdin === undefined ? argText : `${argText}\n${cmd.stdin.text}`,
  };
}

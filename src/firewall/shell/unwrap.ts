import { DYNAMIC } from './words.js';
import type { Redirect, ScriptSnippet, ShellCommand, StdinText } from './types.js';

/**
 * Removes wrapper programs that run another command (sudo, env, nice, timeout, xargs, find -exec …)
 * and hands on code that a shell or interpreter would execute (`bash -c`, `eval`, a heredoc piped
 * into `sh`, `python -c`, `node -e` …). The list of wrappers and their value-taking options comes
 * from each tool's manual page (sudo(8), env(1), timeout(1), nice(1), xargs(1), find(1) …).
 */

export interface RawCommand {
  argv: string[];
  assignments: Record<string, string>;
  redirects: Redirect[];
  stdin: StdinText | undefined;
  cwd: string;
  upstream: readonly ShellCommand[];
  via: readonly string[];
  dynamicName: boolean;
  original: readonly string[];
}

export interface UnwrapOut {
  push(cmd: ShellCommand): void;
  script(s: ScriptSnippet): void;
  source(src: string, via: readonly string[], cwd: string): void;
}

/** Program name as rules see it: basename, no leading backslash, lower case. */
export function programName(word: string): string {
  const w = word.replace(/^\\+/, '');
  const base = w.slice(w.lastIndexOf('/') + 1);
  return base.toLowerCase();
}

/** Options (with a separate value) of each wrapper; other `-x` options take no value. */
const WRAPPER_VALUE_OPTS: Record<string, ReadonlySet<string>> = {
  sudo: new Set([
    '-u',
    '-g',
    '-h',
    '-p',
    '-C',
    '-D',
    '-r',
    '-t',
    '-U',
    '-T',
    '--user',
    '--group',
    '--host',
    '--prompt',
    '--chdir',
  ]),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e']),
  exec: new Set(['-a']),
  time: new Set(['-f', '-o', '--format', '--output']),
  nohup: new Set(),
  builtin: new Set(),
  command: new Set(),
  setsid: new Set(),
  unbuffer: new Set(),
  caffeinate: new Set(['-t', '-w']),
  chronic: new Set(),
  torsocks: new Set(),
  proxychains: new Set(['-f']),
  proxychains4: new Set(['-f']),
  taskset: new Set(),
  flock: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']),
  watch: new Set(['-n', '-d', '--interval']),
  strace: new Set(['-e', '-o', '-p', '-s']),
  ltrace: new Set(['-e', '-o', '-p']),
  runuser: new Set(['-u', '-g']),
};

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox']);
const INTERPRETERS: Record<string, { lang: ScriptSnippet['lang']; codeOpts: ReadonlySet<string> }> = {
  python: { lang: 'python', codeOpts: new Set(['-c']) },
  node: { lang: 'node', codeOpts: new Set(['-e', '--eval', '-p', '--print']) },
  nodejs: { lang: 'node', codeOpts: new Set(['-e', '--eval', '-p', '--print']) },
  bun: { lang: 'node', codeOpts: new Set(['-e', '--eval', '-p', '--print']) },
  deno: { lang: 'node', codeOpts: new Set(['eval']) },
  ruby: { lang: 'ruby', codeOpts: new Set(['-e']) },
  perl: { lang: 'perl', codeOpts: new Set(['-e', '-E']) },
  php: { lang: 'php', codeOpts: new Set(['-r']) },
  osascript: { lang: 'other', codeOpts: new Set(['-e']) },
  pwsh: { lang: 'other', codeOpts: new Set(['-c', '-command']) },
};

/** python3, python3.12, pypy3 → python. */
function interpreterKey(name: string): string | undefined {
  if (/^(python|pypy)[0-9.]*$/.test(name)) return 'python';
  if (/^perl[0-9.]*$/.test(name)) return 'perl';
  if (/^ruby[0-9.]*$/.test(name)) return 'ruby';
  if (/^php[0-9.]*$/.test(name)) return 'php';
  return name in INTERPRETERS ? name : undefined;
}

/** Skips wrapper options; returns the index of the wrapped program or -1. */
function skipOptions(
  argv: readonly string[],
  from: number,
  valueOpts: ReadonlySet<string>,
  assignments?: Record<string, string>,
): number {
  let i = from;
  while (i < argv.length) {
    const a = argv[i] as string;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (assignments !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      const eq = a.indexOf('=');
      assignments[a.slice(0, eq)] = a.slice(eq + 1);
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (valueOpts.has(a)) i += 2;
      else i += 1;
      continue;
    }
    return i;
  }
  return -1;
}

function make(
  raw: RawCommand,
  argv: readonly string[],
  via: readonly string[],
  assignments: Record<string, string>,
  stdin: StdinText | undefined,
): ShellCommand {
  return {
    argv,
    name: programName(argv[0] ?? ''),
    assignments,
    redirects: raw.redirects,
    stdin,
    cwd: raw.cwd,
    upstream: raw.upstream,
    via,
    dynamicName: raw.dynamicName,
    original: raw.original,
  };
}

/** Where the code of `bash -c CODE` / `python -c CODE` is: index of CODE, or -1. */
function inlineCodeIndex(
  argv: readonly string[],
  codeOpts: ReadonlySet<string>,
  shortLetter: string | undefined,
): number {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (codeOpts.has(a) || codeOpts.has(a.toLowerCase())) return i + 1 < argv.length ? i + 1 : -1;
    // Clustered short options such as `bash -lc CMD` or `sh -ec CMD`.
    if (shortLetter !== undefined && /^-[a-zA-Z]+$/.test(a) && a.includes(shortLetter))
      return i + 1 < argv.length ? i + 1 : -1;
    if (!a.startsWith('-')) return -1; // first operand is a script file
  }
  return -1;
}

/** True when the interpreter/shell gets no script operand, so it reads its program from stdin. */
function readsProgramFromStdin(argv: readonly string[]): boolean {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-' || a === '-s') return true;
    if (!a.startsWith('-')) return false;
  }
  return true;
}

const MAX_UNWRAP = 12;

export function unwrap(raw: RawCommand, out: UnwrapOut): void {
  let argv: readonly string[] = raw.argv;
  const via = [...raw.via];
  const assignments = { ...raw.assignments };
  const stdin = raw.stdin;
  for (let step = 0; step < MAX_UNWRAP; step++) {
    const name = programName(argv[0] ?? '');
    // `command -v x`, `command -V x` only look a name up (POSIX command(1)).
    if (name === 'command' && (argv[1] === '-v' || argv[1] === '-V')) break;
    const valueOpts = WRAPPER_VALUE_OPTS[name];
    if (valueOpts !== undefined) {
      let start = 1;
      if (name === 'timeout') {
        const i = skipOptions(argv, 1, valueOpts);
        start = i < 0 ? -1 : i + 1; // skip DURATION
      } else if (name === 'taskset') {
        const i = skipOptions(argv, 1, valueOpts);
        start = i < 0 ? -1 : i + 1; // skip the CPU mask or list
      } else if (name === 'flock') {
        const i = skipOptions(argv, 1, valueOpts);
        start = i < 0 ? -1 : i + 1; // skip the lock file
        const c = argv.indexOf('-c');
        if (c > 0 && c + 1 < argv.length) {
          out.push(make(raw, argv, via, assignments, stdin));
          out.source(argv[c + 1] as string, [...via, 'flock -c'], raw.cwd);
          return;
        }
      } else if (name === 'env' && argv.includes('-S')) {
        const s = argv[argv.indexOf('-S') + 1];
        if (s !== undefined) {
          out.source(s + ' ' + argv.slice(argv.indexOf('-S') + 2).join(' '), [...via, 'env -S'], raw.cwd);
          return;
        }
      } else {
        start = skipOptions(argv, 1, valueOpts, name === 'env' ? assignments : undefined);
      }
      if (start < 0 || start >= argv.length) break; // wrapper used on its own (`sudo -i`, `env`, `time`)
      via.push(name);
      argv = argv.slice(start);
      continue;
    }
    if (name === 'xargs') {
      const xargsValue = new Set([
        '-I',
        '-i',
        '-n',
        '-P',
        '-L',
        '-l',
        '-s',
        '-d',
        '-E',
        '-a',
        '--max-args',
        '--max-procs',
        '--delimiter',
        '--arg-file',
        '--replace',
      ]);
      const i = skipOptions(argv, 1, xargsValue);
      if (i < 0) {
        argv = ['echo'];
        via.push('xargs');
        continue;
      }
      via.push('xargs');
      // xargs appends its stdin words to the command; mark that with a dynamic operand.
      argv = [...argv.slice(i), DYNAMIC + 'xargs-input'];
      continue;
    }
    if (name === 'find') {
      out.push(make(raw, argv, via, assignments, stdin));
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i] as string;
        if (a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir') {
          let j = i + 1;
          const inner: string[] = [];
          while (j < argv.length && argv[j] !== ';' && argv[j] !== '+') inner.push(argv[j++] as string);
          if (inner.length > 0) {
            unwrap(
              {
                ...raw,
                argv: inner.map((w) => (w === '{}' ? DYNAMIC + '{}' : w)),
                via: [...via, `find ${a}`],
                assignments,
                stdin: undefined,
              },
              out,
            );
          }
          i = j;
        }
      }
      return;
    }
    if (name === 'eval') {
      out.push(make(raw, argv, via, assignments, stdin));
      out.source(argv.slice(1).join(' '), [...via, 'eval'], raw.cwd);
      return;
    }
    if (name === 'su' || name === 'runuser') {
      const c = argv.findIndex((a) => a === '-c' || a === '--command');
      if (c > 0 && c + 1 < argv.length) {
        out.push(make(raw, argv, via, assignments, stdin));
        out.source(argv[c + 1] as string, [...via, `${name} -c`], raw.cwd);
        return;
      }
      break;
    }
    if (SHELLS.has(name)) {
      let shellArgv = argv;
      if (name === 'busybox' && argv[1] !== undefined && SHELLS.has(argv[1])) shellArgv = argv.slice(1);
      const cmd = make(raw, shellArgv, via, assignments, stdin);
      out.push(cmd);
      const code = inlineCodeIndex(shellArgv, new Set(['-c']), 'c');
      if (code > 0) {
        out.source(shellArgv[code] as string, [...via, `${name} -c`], raw.cwd);
      } else if (readsProgramFromStdin(shellArgv) && stdin !== undefined) {
        out.source(stdin.text, [...via, `${name} <<${stdin.kind === 'heredoc' ? 'EOF' : '<'}`], raw.cwd);
      }
      return;
    }
    const interp = interpreterKey(name);
    if (interp !== undefined) {
      const spec = INTERPRETERS[interp];
      const cmd = make(raw, argv, via, assignments, stdin);
      out.push(cmd);
      if (spec !== undefined) {
        const code = inlineCodeIndex(
          argv,
          spec.codeOpts,
          spec.lang === 'python' ? 'c' : spec.lang === 'perl' || spec.lang === 'ruby' ? 'e' : undefined,
        );
        if (code > 0)
          out.script({
            lang: spec.lang,
            code: argv[code] as string,
            cwd: raw.cwd,
            via: [...via, `${name} ${argv[code - 1] ?? ''}`],
          });
        else if (readsProgramFromStdin(argv) && stdin !== undefined)
          out.script({ lang: spec.lang, code: stdin.text, cwd: raw.cwd, via: [...via, `${name} <<EOF`] });
      }
      return;
    }
    break;
  }
  out.push(make(raw, argv, via, assignments, stdin));
}

import { parseBash } from './tree.js';
import { DYNAMIC, evalWord, type SyntaxNode, type WordContext } from './words.js';
import { unwrap } from './unwrap.js';
import type {
  FunctionDef,
  Redirect,
  ScriptSnippet,
  ShellAnalysis,
  ShellCommand,
  ShellEnv,
  StdinText,
} from './types.js';
import { resolvePath } from '../paths.js';

/**
 * Shell analysis with a real bash grammar (tree-sitter-bash, the grammar GitHub and editors use).
 * The walker follows bash execution semantics: lists and pipelines run every element, `$( )`,
 * backticks and `<( )` run their contents, heredoc bodies are data unless the command reading
 * them is a shell or interpreter, assignments before a command only affect that command, and
 * `cd` changes the directory for the rest of the same list (subshells restore it).
 */

/** Deepest nesting (bash -c inside $( ) inside eval …) that is analysed before giving up. */
export const MAX_DEPTH = 6;
/** Longest command analysed; longer input is truncated and flagged. */
export const MAX_SOURCE = 64 * 1024;

const DASHES = /[\u2010-\u2015\u2212\uFE63\uFF0D]/g;

export interface Sink {
  commands: ShellCommand[];
  scripts: ScriptSnippet[];
  functions: FunctionDef[];
  syntaxError: boolean;
  truncated: boolean;
}

class Walker {
  private cwd: string;
  private readonly vars: Map<string, string>;

  constructor(
    private readonly env: ShellEnv,
    private readonly sink: Sink,
    private readonly depth: number,
    private readonly via: readonly string[],
    cwd: string,
    vars: Map<string, string>,
  ) {
    this.cwd = cwd;
    this.vars = vars;
  }

  private wordCtx(extraVia: string): WordContext {
    return {
      vars: this.vars,
      onSubstitution: (node, kind) =>
        this.nested(node, [...this.via, extraVia === '' ? kind : `${extraVia} ${kind}`]),
    };
  }

  /** Walks the statements inside a substitution as executed commands in a child scope. */
  private nested(node: SyntaxNode, via: string[]): void {
    if (this.depth + 1 > MAX_DEPTH) {
      this.sink.truncated = true;
      return;
    }
    const child = new Walker(this.env, this.sink, this.depth + 1, via, this.cwd, new Map(this.vars));
    for (const c of node.namedChildren) child.statement(c, []);
  }

  /** Parses shell source found inside a command (bash -c, eval, heredoc to a shell) and walks it. */
  analyseSource(source: string, via: readonly string[]): void {
    if (this.depth + 1 > MAX_DEPTH) {
      this.sink.truncated = true;
      return;
    }
    analyseInto(source, this.env, this.sink, this.depth + 1, via, this.cwd, new Map(this.vars));
  }

  walkRoot(root: SyntaxNode): void {
    for (const c of root.namedChildren) this.statement(c, []);
  }

  /** Returns the commands the statement produced (pipelines pass them on as upstream). */
  statement(node: SyntaxNode, upstream: readonly ShellCommand[]): ShellCommand[] {
    switch (node.type) {
      case 'comment':
        return [];
      case 'command':
        return this.command(node, [], upstream);
      case 'redirected_statement':
        return this.redirected(node, upstream);
      case 'pipeline': {
        const produced: ShellCommand[] = [];
        for (const c of node.namedChildren) {
          const out = this.statement(c, [...upstream, ...produced]);
          produced.push(...out);
        }
        return produced;
      }
      case 'variable_assignment':
        this.assign(node);
        return [];
      case 'variable_assignments':
        for (const c of node.namedChildren) if (c.type === 'variable_assignment') this.assign(c);
        return [];
      case 'subshell': {
        // A subshell gets a copy of the directory and variables (bash §3.2.4.3).
        const child = new Walker(this.env, this.sink, this.depth, this.via, this.cwd, new Map(this.vars));
        const out: ShellCommand[] = [];
        for (const c of node.namedChildren) out.push(...child.statement(c, upstream));
        return out;
      }
      case 'function_definition':
        this.functionDef(node);
        return [];
      case 'ERROR':
        this.sink.syntaxError = true;
        return this.children(node, upstream);
      default:
        return this.children(node, upstream);
    }
  }

  private children(node: SyntaxNode, upstream: readonly ShellCommand[]): ShellCommand[] {
    const out: ShellCommand[] = [];
    for (const c of node.namedChildren) {
      if (c.type === 'command_substitution' || c.type === 'process_substitution') {
        this.nested(c, [...this.via, c.type === 'command_substitution' ? '$( )' : '<( )']);
        continue;
      }
      if (
        c.type === 'word' ||
        c.type === 'string' ||
        c.type === 'concatenation' ||
        c.type === 'simple_expansion' ||
        c.type === 'expansion'
      ) {
        evalWord(c, this.wordCtx('')); // reports substitutions inside test expressions, for-lists …
        continue;
      }
      out.push(...this.statement(c, upstream));
    }
    return out;
  }

  private assign(node: SyntaxNode): void {
    const name = node.childForFieldName('name')?.text;
    const value = node.childForFieldName('value');
    const v = value === null ? '' : evalWord(value, this.wordCtx(''));
    if (name !== undefined) this.vars.set(name, v);
  }

  private functionDef(node: SyntaxNode): void {
    const name = node.childForFieldName('name')?.text ?? '';
    const body = node.childForFieldName('body');
    const calls: string[] = [];
    let selfPipe = false;
    const visit = (n: SyntaxNode, inPipeline: boolean): void => {
      if (n.type === 'command_name') calls.push(n.text);
      if (n.type === 'pipeline') {
        const names = n.descendantsOfType('command_name').map((c) => c.text);
        if (names.filter((x) => x === name).length >= 2) selfPipe = true;
      }
      for (const c of n.namedChildren) visit(c, inPipeline || n.type === 'pipeline');
    };
    if (body !== null) visit(body, false);
    this.sink.functions.push({ name, calls, backgroundedSelfPipe: selfPipe });
  }

  private redirected(node: SyntaxNode, upstream: readonly ShellCommand[]): ShellCommand[] {
    const body = node.childForFieldName('body');
    const redirects: Redirect[] = [];
    let stdin: StdinText | undefined;
    for (const r of node.namedChildren) {
      if (r === body) continue;
      const got = this.redirect(r);
      if (got.redirect !== undefined) redirects.push(got.redirect);
      if (got.stdin !== undefined) stdin = got.stdin;
    }
    if (body === null) return [];
    if (body.type === 'command') return this.command(body, redirects, upstream, stdin);
    const out = this.statement(body, upstream);
    return out;
  }

  private redirect(r: SyntaxNode): { redirect?: Redirect; stdin?: StdinText } {
    if (r.type === 'heredoc_redirect') {
      const start = r.namedChildren.find((c) => c.type === 'heredoc_start');
      const bodyNode = r.namedChildren.find((c) => c.type === 'heredoc_body');
      const delim = start?.text ?? '';
      const quoted = /['"\\]/.test(delim);
      let text = bodyNode?.text ?? '';
      if (r.text.startsWith('<<-')) text = text.replace(/^\t+/gm, '');
      // Unquoted delimiter: the body undergoes expansion, so substitutions in it run (bash §3.6.6).
      if (!quoted && bodyNode !== undefined) {
        for (const s of bodyNode.descendantsOfType(['command_substitution', 'process_substitution']))
          this.nested(s, [...this.via, '$( )']);
      }
      return {
        redirect: { op: '<<', target: delim.replace(/['"\\]/g, '') },
        stdin: { kind: 'heredoc', text },
      };
    }
    if (r.type === 'herestring_redirect') {
      const word = r.namedChildren[r.namedChildren.length - 1];
      const text = word === undefined ? '' : evalWord(word, this.wordCtx(''));
      return { redirect: { op: '<<<', target: text }, stdin: { kind: 'herestring', text } };
    }
    if (r.type === 'file_redirect') {
      const dest = r.childForFieldName('destination') ?? r.namedChildren[r.namedChildren.length - 1];
      const opMatch = /^[0-9]*(&>>|&>|>>|>\||>&|<&|<>|>|<)/.exec(r.text);
      const target = dest === undefined || dest === null ? '' : evalWord(dest, this.wordCtx(''));
      return { redirect: { op: opMatch?.[1] ?? '>', target } };
    }
    return {};
  }

  private command(
    node: SyntaxNode,
    outerRedirects: Redirect[],
    upstream: readonly ShellCommand[],
    outerStdin?: StdinText,
  ): ShellCommand[] {
    const assignments: Record<string, string> = {};
    const argv: string[] = [];
    const redirects = [...outerRedirects];
    let stdin = outerStdin;
    let dynamicName = false;
    const ctx = this.wordCtx('');
    for (const c of node.namedChildren) {
      if (c.type === 'variable_assignment') {
        const name = c.childForFieldName('name')?.text ?? '';
        const value = c.childForFieldName('value');
        assignments[name] = value === null ? '' : evalWord(value, ctx);
      } else if (c.type === 'command_name') {
        const inner = c.namedChildren[0] ?? c;
        const v = evalWord(inner, ctx);
        if (v.includes(DYNAMIC)) dynamicName = true;
        argv.push(v.replace(DYNAMIC, ''));
      } else if (
        c.type === 'herestring_redirect' ||
        c.type === 'file_redirect' ||
        c.type === 'heredoc_redirect'
      ) {
        const got = this.redirect(c);
        if (got.redirect !== undefined) redirects.push(got.redirect);
        if (got.stdin !== undefined) stdin = got.stdin;
      } else if (c.type !== 'comment') {
        argv.push(evalWord(c, ctx).replace(DASHES, '-'));
      }
    }
    if (argv.length === 0) {
      // Bare assignments `A=1 B=2` set shell variables.
      for (const [k, v] of Object.entries(assignments)) this.vars.set(k, v);
      return [];
    }
    const produced: ShellCommand[] = [];
    unwrap(
      {
        argv,
        assignments,
        redirects,
        stdin,
        cwd: this.cwd,
        upstream,
        via: this.via,
        dynamicName,
        original: argv,
      },
      {
        push: (cmd) => {
          this.sink.commands.push(cmd);
          produced.push(cmd);
        },
        script: (s) => this.sink.scripts.push(s),
        source: (src, via, cwd) => {
          if (this.depth + 1 > MAX_DEPTH) {
            this.sink.truncated = true;
            return;
          }
          analyseInto(src, this.env, this.sink, this.depth + 1, via, cwd, new Map(this.vars));
        },
      },
    );
    // `cd DIR` moves the rest of this list (bash builtin); unknown targets leave cwd unchanged.
    const first = produced[0];
    if (first !== undefined && first.name === 'cd' && first.via.length === this.via.length) {
      const target = first.argv.slice(1).find((a) => !a.startsWith('-'));
      const dest = target === undefined ? this.env.home : target;
      if (!dest.includes(DYNAMIC)) this.cwd = resolvePath(dest, this.cwd, this.env.home);
    }
    return produced;
  }
}

function analyseInto(
  source: string,
  env: ShellEnv,
  sink: Sink,
  depth: number,
  via: readonly string[],
  cwd: string,
  vars: Map<string, string>,
): void {
  let src = source;
  if (src.length > MAX_SOURCE) {
    src = src.slice(0, MAX_SOURCE);
    sink.truncated = true;
  }
  const tree = parseBash(src);
  if (tree.hasError) sink.syntaxError = true;
  new Walker(env, sink, depth, via, cwd, vars).walkRoot(tree.root);
}

/**
 * A command made only of these characters has no quoting, expansion, redirection or control
 * operator, so bash's word splitting on blanks is its whole parse (bash manual §3.5.7); such
 * commands skip the tree-sitter pass (tests/firewall/shell.test.ts checks both paths agree).
 */
const PLAIN = /^[A-Za-z0-9_./=:@,+%^ -]*$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function analysePlain(source: string, env: ShellEnv, sink: Sink): void {
  const words = source.split(' ').filter((w) => w !== '');
  const assignments: Record<string, string> = {};
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i] as string)) {
    const w = words[i++] as string;
    assignments[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  const argv = words.slice(i);
  if (argv.length === 0) return;
  unwrap(
    {
      argv,
      assignments,
      redirects: [],
      stdin: undefined,
      cwd: env.cwd,
      upstream: [],
      via: [],
      dynamicName: false,
      original: argv,
    },
    {
      push: (cmd) => sink.commands.push(cmd),
      script: (sc) => sink.scripts.push(sc),
      source: (src, via, cwd) => analyseInto(src, env, sink, 1, via, cwd, baseVars(env)),
    },
  );
}

function baseVars(env: ShellEnv): Map<string, string> {
  const vars = new Map<string, string>(Object.entries(env.vars));
  vars.set('HOME', env.home);
  vars.set('PWD', env.cwd);
  return vars;
}

/** Analyses one shell command string as bash would run it in `env.cwd`. */
export function analyseShell(
  source: string,
  env: ShellEnv,
  opts: { plainFastPath?: boolean } = {},
): ShellAnalysis {
  const sink: Sink = { commands: [], scripts: [], functions: [], syntaxError: false, truncated: false };
  if (opts.plainFastPath !== false && PLAIN.test(source)) analysePlain(source, env, sink);
  else analyseInto(source, env, sink, 0, [], env.cwd, baseVars(env));
  return sink;
}

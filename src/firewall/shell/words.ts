import type { PNode } from './tree.js';

/**
 * Word evaluation following bash quoting rules (bash manual §3.1.2 Quoting, §3.5.3 Shell Parameter
 * Expansion): backslash escapes outside quotes, literal single quotes, `$'…'` ANSI-C strings,
 * double quotes with `$VAR` / `${VAR:-default}` expansion. Command substitutions are left as a
 * placeholder and reported to the caller, which analyses them as executed commands.
 */

export type SyntaxNode = PNode;

export interface WordContext {
  vars: Map<string, string>;
  /** Called for every `$( )`, backticks and `<( )` found inside a word. */
  onSubstitution: (node: SyntaxNode, kind: string) => void;
}

/** Placeholder for a value only known at run time. */
export const DYNAMIC = '\u0000';

const ANSI: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

function unescapeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ANSI[e] ?? `\\${e}`;
  });
}

/** Unquoted word text: a backslash quotes the next character; backslash-newline is removed. */
function unescapeBare(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

/** Inside double quotes only \$ \` \" \\ and \newline are escapes (bash §3.1.2.3). */
function unescapeDouble(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

function expandParameter(node: SyntaxNode, ctx: WordContext): string {
  const text = node.text;
  // $VAR or ${VAR} or ${VAR:-default} / ${VAR-default} / ${VAR:=default}
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(?:(:?[-=+?])(.*))?\}?$/s.exec(text);
  if (m === null) return text.includes('$(') ? DYNAMIC : DYNAMIC + text;
  const name = m[1] as string;
  const op = m[2];
  const value = ctx.vars.get(name);
  if (op === undefined) return value ?? DYNAMIC + `$${name}`;
  const rest = (m[3] ?? '').replace(/\}$/, '');
  if (op === ':-' || op === '-' || op === ':=' || op === '=')
    return value !== undefined && value !== '' ? value : unescapeBare(stripQuotes(rest));
  if (op === ':+' || op === '+')
    return value !== undefined && value !== '' ? unescapeBare(stripQuotes(rest)) : '';
  return value ?? DYNAMIC + `$${name}`;
}

function stripQuotes(s: string): string {
  if (s.length >= 2 && ((s.startsWith("'") && s.endsWith("'")) || (s.startsWith('"') && s.endsWith('"'))))
    return s.slice(1, -1);
  return s;
}

/** Concatenates children, keeping any source text between them (tree-sitter omits some literal runs). */
function joinChildren(node: SyntaxNode, ctx: WordContext, inDouble: boolean, skipDelims: number): string {
  let out = '';
  const src = node.text;
  const base = node.startIndex;
  let pos = skipDelims;
  const end = src.length - skipDelims;
  for (const ch of node.children) {
    const s = ch.startIndex - base;
    const e = ch.endIndex - base;
    if (e <= skipDelims || s >= end) continue; // the quote characters themselves
    if (s > pos) out += inDouble ? unescapeDouble(src.slice(pos, s)) : unescapeBare(src.slice(pos, s));
    out += evalWord(ch, ctx, inDouble);
    pos = e;
  }
  if (pos < end) out += inDouble ? unescapeDouble(src.slice(pos, end)) : unescapeBare(src.slice(pos, end));
  return out;
}

/** Evaluates one argument node to the string the program would receive. */
export function evalWord(node: SyntaxNode, ctx: WordContext, inDouble = false): string {
  switch (node.type) {
    case 'word':
    case 'number':
      return inDouble ? unescapeDouble(node.text) : unescapeBare(node.text);
    case 'string_content':
      return unescapeDouble(node.text);
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return unescapeAnsiC(node.text.slice(2, -1));
    case 'string':
      return joinChildren(node, ctx, true, 1);
    case 'translated_string':
      return joinChildren(node, ctx, true, 2);
    case 'concatenation':
      return joinChildren(node, ctx, inDouble, 0);
    case 'simple_expansion':
    case 'expansion':
      return expandParameter(node, ctx);
    case 'command_substitution':
      ctx.onSubstitution(node, '$( )');
      return DYNAMIC + '$(…)';
    case 'process_substitution':
      ctx.onSubstitution(node, '<( )');
      return DYNAMIC + '<(…)';
    case 'arithmetic_expansion':
      return DYNAMIC + node.text;
    case '"':
    case "'":
      return '';
    default:
      return node.text;
  }
}

import type { NormalisedCall } from '../call.js';
import { classifyPath, type PathClass } from '../paths.js';
import type { ShellCommand } from '../shell/types.js';
import { DYNAMIC } from '../shell/words.js';
import type { CommandOptions, Rule } from '../policy/types.js';
import { commandFacts, type CommandFacts } from './facts.js';
import type { SensitiveMatcher } from './sensitive.js';

/** A rule that fired, with the evidence a person needs to understand why. */
export interface RuleHit {
  readonly rule: Rule;
  readonly evidence: string;
}

interface CompiledRule {
  rule: Rule;
  names?: { exact: Set<string>; prefixes: string[] };
  sub?: RegExp;
  args?: RegExp;
  argsNone?: RegExp;
  text?: RegExp;
  script?: RegExp;
  textRe?: RegExp;
  url?: RegExp;
}

export interface MatchContext {
  readonly commands: CommandOptions;
  readonly sensitive: SensitiveMatcher;
  readonly tmpdir: string;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);
const INTERP =
  /^(python[0-9.]*|pypy[0-9.]*|node|nodejs|bun|deno|ruby[0-9.]*|perl[0-9.]*|php[0-9.]*|source|\.)$/;

const ci = (s: string): RegExp => new RegExp(s, 'i');

export function compileRule(rule: Rule): CompiledRule {
  const m = rule.match;
  const out: CompiledRule = { rule };
  if (m.shell !== undefined) {
    out.names = {
      exact: new Set(m.shell.names.filter((n) => !n.endsWith('*'))),
      prefixes: m.shell.names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1)),
    };
    if (m.shell.sub !== undefined) out.sub = new RegExp(`^(?:${m.shell.sub})(?= |$)`, 'i');
    if (m.shell.args !== undefined) out.args = ci(m.shell.args);
    if (m.shell.args_none !== undefined) out.argsNone = ci(m.shell.args_none);
    if (m.shell.text !== undefined) out.text = ci(m.shell.text);
  }
  if (m.script !== undefined) out.script = ci(m.script.code);
  if (m.text !== undefined) out.textRe = ci(m.text.regex);
  if (m.url !== undefined) out.url = ci(m.url.regex);
  return out;
}

function nameMatches(c: CompiledRule, name: string): boolean {
  const n = c.names;
  if (n === undefined) return false;
  return n.exact.has(name) || n.prefixes.some((p) => name.startsWith(p));
}

const show = (s: string): string => s.split(DYNAMIC).join('?');
function describe(cmd: ShellCommand): string {
  const text = cmd.argv.map(show).join(' ');
  const via = cmd.via.length > 0 ? ` (via ${cmd.via.join(' › ')})` : '';
  return `\`${text.length > 120 ? text.slice(0, 117) + '…' : text}\`${via}`;
}

function matchCommand(
  c: CompiledRule,
  cmd: ShellCommand,
  facts: CommandFacts,
  ctx: MatchContext,
  home: string,
): string | undefined {
  const s = c.rule.match.shell;
  if (s === undefined || !nameMatches(c, cmd.name)) return undefined;
  let consumed = 0;
  if (c.sub !== undefined) {
    const m = c.sub.exec(facts.subText);
    if (m === null) return undefined;
    consumed = m[0].trim() === '' ? 0 : m[0].trim().split(' ').length;
  }
  if (s.flags_any !== undefined && !s.flags_any.some((f) => facts.flags.has(f))) return undefined;
  if (s.flags_all !== undefined && !s.flags_all.every((g) => g.some((f) => facts.flags.has(f))))
    return undefined;
  if (s.flags_none !== undefined && s.flags_none.some((f) => facts.flags.has(f))) return undefined;
  if (c.args !== undefined && !c.args.test(facts.argText)) return undefined;
  if (c.argsNone !== undefined && c.argsNone.test(facts.argText)) return undefined;
  if (c.text !== undefined && !c.text.test(facts.fullText)) return undefined;
  if (s.upstream !== undefined && !cmd.upstream.some((u) => s.upstream?.includes(u.name))) return undefined;
  let ops = facts.operands.slice(consumed);
  if (s.leading_targets === true) {
    const firstOpt = cmd.argv.findIndex((a, i) => i > 0 && (a.startsWith('-') || a === '(' || a === '!'));
    ops = cmd.argv.slice(1, firstOpt < 0 ? undefined : firstOpt);
  }
  if (s.no_operands === true && ops.length > 0) return undefined;
  if (s.targets !== undefined) {
    const classes: PathClass[] = ops.map((o) => classifyPath(o, cmd.cwd, home, ctx.tmpdir));
    const hit = classes.findIndex((k) => s.targets?.includes(k));
    if (hit < 0) return undefined;
    return `${describe(cmd)} acts on ${show(ops[hit] as string)} (${classes[hit]})`;
  }
  return describe(cmd);
}

function predicate(name: string, call: NormalisedCall, ctx: MatchContext): string | undefined {
  const cmds = call.shell?.commands ?? [];
  switch (name) {
    case 'pipe_to_shell': {
      const risky = new Set([
        ...ctx.commands.downloaders,
        ...ctx.commands.decoders,
        ...ctx.commands.network_senders,
      ]);
      for (const c of cmds) {
        if (!(SHELLS.has(c.name) || INTERP.test(c.name))) continue;
        const ops = c.argv.slice(1).filter((a) => !a.startsWith('-'));
        if (ops.length > 0 && !(ops.length === 1 && (ops[0] === '/dev/stdin' || ops[0] === '-'))) continue;
        if (c.argv.some((a) => a === '-c' || a === '-e' || a === '-r')) continue;
        const src = c.upstream.find(
          (u) => risky.has(u.name) || (u.name === 'base64' && u.argv.some((a) => /^-(d|D|-decode)$/.test(a))),
        );
        if (src !== undefined) return `${describe(src)} piped into ${c.name}`;
      }
      return undefined;
    }
    case 'shell_runs_download': {
      const dl = cmds.find(
        (c) =>
          ctx.commands.downloaders.includes(c.name) &&
          c.via.some((v) => v.endsWith('<( )') || v.endsWith('$( )')),
      );
      if (dl === undefined) return undefined;
      const runner = cmds.find(
        (c) =>
          (SHELLS.has(c.name) || INTERP.test(c.name) || c.name === 'eval') &&
          c.argv.slice(1).some((a) => a.includes(DYNAMIC + '<(') || a.includes(DYNAMIC + '$(')),
      );
      return runner === undefined ? undefined : `${runner.name} runs the output of ${describe(dl)}`;
    }
    case 'dynamic_shell_code': {
      const c = cmds.find(
        (x) =>
          (SHELLS.has(x.name) &&
            x.argv.some((a, i) => i > 0 && /^-[a-z]*c$/.test(x.argv[i - 1] ?? '') && a.includes(DYNAMIC))) ||
          (x.name === 'eval' && x.argv.slice(1).some((a) => a.includes(DYNAMIC))),
      );
      return c === undefined ? undefined : `${describe(c)} runs code only known at run time`;
    }
    case 'fork_bomb': {
      const f = call.shell?.functions.find((x) => x.backgroundedSelfPipe);
      return f === undefined ? undefined : `function \`${f.name}\` pipes into itself (fork bomb)`;
    }
    case 'upload_sensitive': {
      const up = call.urls.find(
        (u) => u.upload || ['scp', 'rsync', 'nc', 'ncat', 'socat', 'sftp'].includes(u.by),
      );
      const remoteCopy = cmds.find(
        (c) =>
          ['scp', 'rsync', 'sftp'].includes(c.name) &&
          c.argv.slice(1).some((a) => /^[^/\s]+@?[^/\s]*:/.test(a) && !a.startsWith('-')),
      );
      const netPipe = cmds.find(
        (c) => ['nc', 'ncat', 'socat', 'telnet', 'curl', 'wget'].includes(c.name) && c.upstream.length > 0,
      );
      if (up === undefined && remoteCopy === undefined && netPipe === undefined) return undefined;
      const secret = call.reads.find((r) => ctx.sensitive.classify(r.path, false) !== undefined);
      if (secret === undefined) return undefined;
      return `sends ${secret.path} over the network (${up?.by ?? remoteCopy?.name ?? netPipe?.name ?? ''})`;
    }
    case 'analysis_incomplete':
      return call.shell?.truncated === true ? 'command nests deeper than the analyser follows' : undefined;
    case 'dynamic_program': {
      const c = cmds.find(
        (x) => x.dynamicName && x.argv.length > 1 && x.argv.slice(1).some((a) => a.startsWith('-')),
      );
      return c === undefined ? undefined : `program name of ${describe(c)} is computed at run time`;
    }
    default:
      return undefined;
  }
}

export class RuleSet {
  private readonly compiled: CompiledRule[];
  private readonly valueOpts = new Map<string, ReadonlySet<string>>();

  constructor(
    rules: readonly Rule[],
    private readonly ctx: MatchContext,
  ) {
    this.compiled = rules.map(compileRule);
    for (const [k, v] of Object.entries(ctx.commands.value_options)) this.valueOpts.set(k, new Set(v));
  }

  get rules(): Rule[] {
    return this.compiled.map((c) => c.rule);
  }

  /** Every rule that matches the call, in pack order. */
  evaluate(call: NormalisedCall): RuleHit[] {
    const hits: RuleHit[] = [];
    const cmds = call.shell?.commands ?? [];
    const facts = cmds.map((c) => commandFacts(c, this.valueOpts.get(c.name) ?? new Set()));
    for (const c of this.compiled) {
      const m = c.rule.match;
      let evidence: string | undefined;
      if (m.shell !== undefined) {
        for (let i = 0; i < cmds.length && evidence === undefined; i++)
          evidence = matchCommand(c, cmds[i] as ShellCommand, facts[i] as CommandFacts, this.ctx, call.home);
      } else if (m.script !== undefined && c.script !== undefined) {
        for (const s of call.shell?.scripts ?? []) {
          if (m.script.langs !== undefined && !m.script.langs.includes(s.lang)) continue;
          const r = c.script.exec(s.code);
          if (r === null) continue;
          const p = r.groups?.['path'];
          if (m.script.targets !== undefined) {
            if (p === undefined) continue;
            const k = classifyPath(p, s.cwd, call.home, this.ctx.tmpdir);
            if (!m.script.targets.includes(k)) continue;
          }
          evidence = `${s.lang} code calls \`${r[0].slice(0, 80)}\``;
          break;
        }
      } else if (m.text !== undefined && c.textRe !== undefined) {
        if (m.text.tools !== undefined && !m.text.tools.includes(call.tool.canonical)) continue;
        for (const t of call.texts) {
          if (m.text.surfaces !== undefined && !m.text.surfaces.includes(t.surface)) continue;
          const r = c.textRe.exec(t.text);
          if (r !== null) {
            evidence = `${t.field} contains text matching the ${c.rule.category} pattern`;
            break;
          }
        }
      } else if (m.url !== undefined && c.url !== undefined) {
        for (const u of call.urls) {
          if (m.url.upload === true && !u.upload) continue;
          if (m.url.methods !== undefined && !m.url.methods.includes(u.method)) continue;
          if (c.url.test(u.url)) {
            evidence = `${u.by} ${u.method} ${u.url.length > 100 ? u.url.slice(0, 97) + '…' : u.url}`;
            break;
          }
        }
      } else if (m.predicate !== undefined) {
        evidence = predicate(m.predicate.name, call, this.ctx);
      }
      if (evidence !== undefined) hits.push({ rule: c.rule, evidence });
    }
    return hits;
  }
}

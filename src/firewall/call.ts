import { homedir } from 'node:os';
import type { ToolCall } from '../core/decision.js';
import { analyseShell } from './shell/parse.js';
import type { ShellAnalysis, ShellCommand, ShellEnv } from './shell/types.js';
import { DYNAMIC } from './shell/words.js';
import { resolvePath } from './paths.js';
import { normaliseToolName, type ToolName } from './tools.js';
import type { CommandOptions, TextSurface } from './policy/types.js';
import { embeddedShell } from './scripts.js';

export interface PathRef {
  readonly path: string;
  readonly how: string;
  /** Only names are listed (Glob), contents are not read: a block-listed match asks instead. */
  readonly listOnly?: boolean;
}

export interface TextRef {
  readonly surface: TextSurface;
  readonly field: string;
  readonly text: string;
}

export interface UrlRef {
  readonly url: string;
  readonly method: string;
  readonly upload: boolean;
  readonly by: string;
}

/** Everything the steps need, computed once (step 312 reports it). */
export interface NormalisedCall {
  readonly call: ToolCall;
  readonly tool: ToolName;
  readonly cwd: string;
  readonly home: string;
  readonly shell: ShellAnalysis | undefined;
  readonly reads: readonly PathRef[];
  readonly writes: readonly PathRef[];
  readonly urls: readonly UrlRef[];
  readonly texts: readonly TextRef[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringLeaves(v: unknown, path: string, out: TextRef[], surface: TextSurface): void {
  if (typeof v === 'string') out.push({ surface, field: path, text: v });
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, `${path}[${i}]`, out, surface));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) stringLeaves(x, path === '' ? k : `${path}.${k}`, out, surface);
}

/** Splits flags from operands, skipping the values of options that take one. */
export function operands(cmd: ShellCommand, valueOptions: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let afterDashDash = false;
  for (let i = 1; i < cmd.argv.length; i++) {
    const a = cmd.argv[i] as string;
    if (afterDashDash) {
      out.push(a);
      continue;
    }
    if (a === '--') {
      afterDashDash = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (valueOptions.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const WRITE_REDIRECT = /^(>|>>|>\||&>|&>>|<>)$/;

function shellPaths(
  shell: ShellAnalysis,
  opts: CommandOptions,
  home: string,
  reads: PathRef[],
  writes: PathRef[],
  urls: UrlRef[],
): void {
  const readers = new Set(opts.file_readers);
  for (const cmd of shell.commands) {
    const vo = new Set(opts.value_options[cmd.name] ?? []);
    const ops = operands(cmd, vo);
    for (const r of cmd.redirects) {
      if (r.target === '' || r.target.includes(DYNAMIC) || /^&?[0-9-]+$/.test(r.target)) continue;
      if (r.op === '<') reads.push({ path: resolvePath(r.target, cmd.cwd, home), how: `${cmd.name} <` });
      else if (WRITE_REDIRECT.test(r.op))
        writes.push({ path: resolvePath(r.target, cmd.cwd, home), how: `${cmd.name} ${r.op}` });
    }
    // Operands that name files: anything path-shaped, and every operand of a known file reader.
    const skipFirst =
      cmd.name === 'grep' ||
      cmd.name === 'rg' ||
      cmd.name === 'egrep' ||
      cmd.name === 'fgrep' ||
      cmd.name === 'ag' ||
      cmd.name === 'sed' ||
      cmd.name === 'awk';
    ops.forEach((op, idx) => {
      if (skipFirst && idx === 0) return;
      if (op.includes(DYNAMIC) || op.includes('://') || op === '') return;
      let p = op;
      const at = /^@(.+)$/.exec(op); // curl -d @file
      if (at !== null) p = at[1] as string;
      const pathShaped = p.includes('/') || p.startsWith('.') || p.startsWith('~');
      if (!pathShaped && !readers.has(cmd.name)) return;
      if (/^[A-Za-z0-9_.-]+:[^/]/.test(p) && !p.startsWith('.')) return; // host:path, key:value
      const abs = resolvePath(p, cmd.cwd, home);
      if (
        cmd.name === 'tee' ||
        (idx === ops.length - 1 &&
          ops.length > 1 &&
          (cmd.name === 'cp' || cmd.name === 'mv' || cmd.name === 'install' || cmd.name === 'ln'))
      )
        writes.push({ path: abs, how: cmd.name });
      else reads.push({ path: abs, how: cmd.name });
    });
    // Data options that name a file with @ (curl -d @file, -F name=@file, --data-binary @file).
    cmd.argv.forEach((a, i) => {
      const prev = cmd.argv[i - 1] ?? '';
      const m = /^(?:[^=@\s]*=)?@([^;\s]+)$/.exec(a);
      if (
        m !== null &&
        /^(-d|--data[a-z-]*|-F|--form|--upload-file|-T)$/.test(prev) &&
        m[1] !== '-' &&
        !(m[1] as string).includes(DYNAMIC)
      ) {
        reads.push({ path: resolvePath(m[1] as string, cmd.cwd, home), how: `${cmd.name} ${prev}` });
      }
    });
    for (const a of cmd.argv.slice(1)) {
      const m = /^(?:of|if)=(.+)$/.exec(a);
      if (m !== null && cmd.name === 'dd' && !(m[1] as string).includes(DYNAMIC))
        (a.startsWith('of') ? writes : reads).push({
          path: resolvePath(m[1] as string, cmd.cwd, home),
          how: 'dd',
        });
    }
    // URLs the command talks to, with method and whether it uploads.
    if (opts.network_senders.includes(cmd.name) || opts.downloaders.includes(cmd.name)) {
      const args = cmd.argv.slice(1);
      let method = '';
      let upload = false;
      for (let i = 0; i < args.length; i++) {
        const a = args[i] as string;
        if (a === '-X' || a === '--request') method = (args[i + 1] ?? '').toUpperCase();
        else if (/^-X[A-Z]+$/.test(a)) method = a.slice(2);
        else if (/^--request=/.test(a)) method = a.slice(10).toUpperCase();
        if (
          /^(-d|--data|--data-binary|--data-raw|--data-urlencode|-F|--form|-T|--upload-file|--post-data|--post-file|--body-data|--body-file)(=|$)/.test(
            a,
          ) ||
          /^-[dFT]./.test(a)
        )
          upload = true;
      }
      if (method === '') method = upload ? 'POST' : 'GET';
      for (const a of args)
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) urls.push({ url: a, method, upload, by: cmd.name });
    }
  }
}

export interface NormaliseOptions {
  home?: string;
  vars?: Record<string, string>;
  commands: CommandOptions;
}

/** Normalises the tool name, parses shell input and resolves every path against the call's cwd. */
export function normaliseCall(call: ToolCall, opts: NormaliseOptions): NormalisedCall {
  const tool = normaliseToolName(call.tool);
  const home = opts.home ?? homedir();
  const input = call.input;
  const cwd = resolvePath(
    str(call.cwd) ?? str(input['workdir']) ?? str(input['cwd']) ?? process.cwd(),
    '/',
    home,
  );
  const reads: PathRef[] = [];
  const writes: PathRef[] = [];
  const urls: UrlRef[] = [];
  const texts: TextRef[] = [];
  let shell: ShellAnalysis | undefined;
  const rp = (p: string): string => resolvePath(p, cwd, home);
  switch (tool.canonical) {
    case 'execute_shell': {
      const command = str(input['command']) ?? str(input['cmd']) ?? '';
      texts.push({ surface: 'command', field: 'command', text: command });
      const env: ShellEnv = { cwd, home, vars: { TMPDIR: '/tmp', ...(opts.vars ?? {}) } };
      const analysis = analyseShell(command, env);
      // Code that scripts hand to a shell (os.system, execSync, backticks …) is analysed as shell too.
      const extra = analysis.scripts.flatMap((s) =>
        embeddedShell(s).flatMap((src) =>
          analyseShell(src, { ...env, cwd: s.cwd }).commands.map((c) => ({
            ...c,
            via: [...s.via, ...c.via],
          })),
        ),
      );
      shell = extra.length === 0 ? analysis : { ...analysis, commands: [...analysis.commands, ...extra] };
      shellPaths(shell, opts.commands, home, reads, writes, urls);
      break;
    }
    case 'read_file':
    case 'list_directory':
    case 'search_files': {
      for (const k of ['file_path', 'path', 'notebook_path']) {
        const p = str(input[k]);
        if (p !== undefined && p !== '') reads.push({ path: rp(p), how: `${call.tool}.${k}` });
      }
      const pattern = str(input['pattern']);
      if (pattern !== undefined && tool.canonical === 'list_directory') {
        const base = str(input['path']);
        reads.push({
          path: rp(base !== undefined ? `${base}/${pattern}` : pattern),
          how: `${call.tool}.pattern`,
          listOnly: true,
        });
      }
      stringLeaves(input, '', texts, 'args');
      break;
    }
    case 'write_file': {
      for (const k of ['file_path', 'path', 'notebook_path']) {
        const p = str(input[k]);
        if (p !== undefined && p !== '') writes.push({ path: rp(p), how: `${call.tool}.${k}` });
      }
      for (const k of ['content', 'new_string', 'new_source', 'patch', 'input']) {
        const t = str(input[k]);
        if (t !== undefined) texts.push({ surface: 'content', field: k, text: t });
      }
      const edits = input['edits'];
      if (Array.isArray(edits))
        edits.forEach((e, i) => {
          const t =
            e !== null && typeof e === 'object'
              ? str((e as Record<string, unknown>)['new_string'])
              : undefined;
          if (t !== undefined) texts.push({ surface: 'content', field: `edits[${i}].new_string`, text: t });
        });
      break;
    }
    case 'fetch_url': {
      const u = str(input['url']);
      if (u !== undefined) {
        urls.push({ url: u, method: 'GET', upload: false, by: call.tool });
        texts.push({ surface: 'url', field: 'url', text: u });
        // file:// URLs read local files (RFC 8089): check them like a Read.
        const f = /^file:\/\/(?:localhost)?(\/[^?#]*)/i.exec(u);
        if (f !== null) reads.push({ path: rp(decodeURIComponent(f[1] as string)), how: `${call.tool}.url` });
      }
      const p = str(input['prompt']);
      if (p !== undefined) texts.push({ surface: 'prompt', field: 'prompt', text: p });
      break;
    }
    case 'web_search': {
      const q = str(input['query']);
      if (q !== undefined) texts.push({ surface: 'query', field: 'query', text: q });
      break;
    }
    case 'spawn_agent': {
      for (const k of ['prompt', 'description']) {
        const t = str(input[k]);
        if (t !== undefined) texts.push({ surface: 'prompt', field: k, text: t });
      }
      break;
    }
    case 'mcp_tool':
      stringLeaves(input, '', texts, 'mcp_args');
      for (const t of texts)
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t.text))
          urls.push({ url: t.text, method: 'GET', upload: false, by: call.tool });
      break;
    default:
      stringLeaves(input, '', texts, 'args');
  }
  return { call, tool, cwd, home, shell, reads, writes, urls, texts };
}

import type { ScriptSnippet } from './shell/types.js';

/**
 * Interpreter one-liners and stdin scripts hand strings to a shell through well-known APIs
 * (Python os.system / subprocess, Node child_process, Ruby system / backticks / %x, Perl system /
 * qx, PHP shell_exec …). We extract those string literals so the shell analyser and every shell
 * rule see the command a script would run. Strings that are only printed stay data.
 */

const CALL =
  /(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|child_process\.(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)|\bexecSync|\bspawnSync|\bexecFileSync|\bspawn|\bexec|\bsystem|\bshell_exec|\bpassthru|\bpopen|IO\.popen|Open3\.\w+)\s*\(?\s*(\[[^\]]*\]|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)/g;
const LITERAL = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;

function unquoteLiteral(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function embeddedShell(s: ScriptSnippet): string[] {
  const out: string[] = [];
  for (const m of s.code.matchAll(CALL)) {
    const arg = m[1] as string;
    if (arg.startsWith('[')) {
      // argv list: ["rm", "-rf", "/"] → rm -rf / (each element quoted so spaces survive)
      const parts = [...arg.matchAll(LITERAL)].map((x) => unquoteLiteral(x[1] ?? x[2] ?? ''));
      if (parts.length > 0) out.push(parts.map((p) => `'${p.replace(/'/g, `'\\''`)}'`).join(' '));
    } else {
      out.push(unquoteLiteral(arg.slice(1, -1)));
    }
  }
  if (s.lang === 'ruby' || s.lang === 'perl' || s.lang === 'php') {
    for (const m of s.code.matchAll(/`([^`]+)`/g)) out.push(m[1] as string);
    for (const m of s.code.matchAll(/%x\(([^)]*)\)|qx\{([^}]*)\}|qx\(([^)]*)\)/g))
      out.push((m[1] ?? m[2] ?? m[3]) as string);
  }
  return out;
}

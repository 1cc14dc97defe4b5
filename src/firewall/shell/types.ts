/**
 * What the shell analyser hands to the rules: every simple command that the shell would EXECUTE
 * (data such as echo arguments, heredoc bodies fed to cat, commit messages is never a command),
 * with its words already unquoted and variables expanded where their value is known.
 */

export interface Redirect {
  /** Operator as written: `>`, `>>`, `<`, `<<`, `<<<`, `&>` … */
  readonly op: string;
  /** Evaluated target word (file name, fd, heredoc delimiter). */
  readonly target: string;
}

export interface StdinText {
  readonly kind: 'heredoc' | 'herestring';
  readonly text: string;
}

export interface ShellCommand {
  /** Evaluated words; argv[0] is the program as written after unquoting (wrappers already removed). */
  readonly argv: readonly string[];
  /** Basename of argv[0], lower-cased, leading backslash removed: what rules match on. */
  readonly name: string;
  /** `VAR=value` prefixes of this command. */
  readonly assignments: Readonly<Record<string, string>>;
  readonly redirects: readonly Redirect[];
  /** Heredoc / here-string body fed to this command's stdin. */
  readonly stdin: StdinText | undefined;
  /** Working directory in effect (after `cd` earlier in the same list). */
  readonly cwd: string;
  /** Commands earlier in the same pipeline (their stdout reaches this command). */
  readonly upstream: readonly ShellCommand[];
  /** How we got here: wrappers and nesting, e.g. ['sudo', 'bash -c', '$( )']. */
  readonly via: readonly string[];
  /** True when the program name is not a literal (e.g. `$(printf rm)` or `$CMD`). */
  readonly dynamicName: boolean;
  /** Words before wrapper removal, for explanations. */
  readonly original: readonly string[];
}

/** An interpreter one-liner or stdin script (`python -c`, `node -e`, `perl <<EOF` …). */
export interface ScriptSnippet {
  readonly lang: 'python' | 'node' | 'ruby' | 'perl' | 'php' | 'other';
  readonly code: string;
  readonly cwd: string;
  readonly via: readonly string[];
}

export interface FunctionDef {
  readonly name: string;
  /** Names of the commands its body runs. */
  readonly calls: readonly string[];
  readonly backgroundedSelfPipe: boolean;
}

export interface ShellAnalysis {
  readonly commands: readonly ShellCommand[];
  readonly scripts: readonly ScriptSnippet[];
  readonly functions: readonly FunctionDef[];
  /** The parser had to recover from a syntax error somewhere. */
  readonly syntaxError: boolean;
  /** Nesting went deeper than the limit; the analysis is incomplete. */
  readonly truncated: boolean;
}

export interface ShellEnv {
  /** Directory the command runs in (absolute). */
  readonly cwd: string;
  /** Home directory used for `~` and `$HOME`. */
  readonly home: string;
  /** Known variable values ($TMPDIR, $USER …); unknown variables stay symbolic. */
  readonly vars: Readonly<Record<string, string>>;
}

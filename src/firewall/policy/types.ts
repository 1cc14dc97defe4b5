import type { Verdict } from '../../core/decision.js';
import type { PathClass } from '../paths.js';
import type { CanonicalTool } from '../tools.js';

/**
 * Rule packs are data (policies/firewall/rules/*.json, schema rule-pack.schema.json). Each rule
 * describes a behaviour — a program and subcommand, flags, the class of path it acts on, a text
 * pattern — never a literal fixture string.
 */

export type RuleDecision = Exclude<Verdict, 'ALLOW'>;

export type Category =
  | 'filesystem-destruction'
  | 'vcs-destruction'
  | 'cloud-infra-destruction'
  | 'service-destruction'
  | 'sql-destruction'
  | 'sandbox-escape-privilege'
  | 'credential-access'
  | 'exfiltration'
  | 'remote-code'
  | 'prompt-injection'
  | 'persistence'
  | 'secret-leak'
  | 'evasion';

/** Matches one executed shell command (after wrappers are removed). */
export interface CommandMatch {
  /** Program basenames (lower case); a trailing `*` is a prefix match (`mkfs*`). */
  names: string[];
  /** Regex over the positional words (lower case, space-joined) that must match at the start. */
  sub?: string;
  /** Every group needs one of its flags present (`[["-r","-R","--recursive"],["-f","--force"]]`). */
  flags_all?: string[][];
  flags_any?: string[];
  flags_none?: string[];
  /** Case-insensitive regex over all arguments joined by one space. */
  args?: string;
  args_none?: string;
  /** Case-insensitive regex over the arguments plus any heredoc / here-string fed to stdin. */
  text?: string;
  /** Some operand (positional after the matched subcommand words) is in one of these classes. */
  targets?: PathClass[];
  /** Only the operands before the first option count as targets (find). */
  leading_targets?: boolean;
  /** The command has no operand at all. */
  no_operands?: boolean;
  /** A command earlier in the same pipeline has one of these names. */
  upstream?: string[];
}

export interface ScriptMatch {
  langs?: Array<'python' | 'node' | 'ruby' | 'perl' | 'php' | 'other'>;
  /** Regex over the code; a named group `path` is classified against `targets`. */
  code: string;
  targets?: PathClass[];
}

export type TextSurface = 'command' | 'content' | 'prompt' | 'query' | 'mcp_args' | 'args' | 'url';

export interface TextMatch {
  /** Case-insensitive regex. */
  regex: string;
  surfaces?: TextSurface[];
  tools?: CanonicalTool[];
}

export interface UrlMatch {
  /** Case-insensitive regex over the whole URL. */
  regex: string;
  /** Only URLs that the call sends data to (curl -d/-F/-T, POST, wget --post-*). */
  upload?: boolean;
  /** HTTP method the call uses (GET when none is given). */
  methods?: string[];
}

export interface PredicateMatch {
  name:
    | 'pipe_to_shell'
    | 'shell_runs_download'
    | 'dynamic_shell_code'
    | 'fork_bomb'
    | 'upload_sensitive'
    | 'analysis_incomplete'
    | 'dynamic_program';
}

export interface RuleMatch {
  shell?: CommandMatch;
  script?: ScriptMatch;
  text?: TextMatch;
  url?: UrlMatch;
  predicate?: PredicateMatch;
}

export type Example = string | { tool: string; input: Record<string, unknown>; cwd?: string };

export interface Rule {
  id: string;
  category: Category;
  decision: RuleDecision;
  /** One line shown to people in every decision. */
  summary: string;
  /** Why the behaviour is dangerous (docs/rules.md). */
  rationale: string;
  /** Blast radius 0–10 recorded for step 320 (defaults by decision). */
  blast?: number;
  match: RuleMatch;
  examples: { positive: Example[]; negative: Example[] };
}

export interface RulePack {
  pack: string;
  title: string;
  rules: Rule[];
}

export interface SensitivePaths {
  /** Reading or writing these is blocked. */
  block: string[];
  /** Reading or writing these needs approval. */
  approve: string[];
  /** Matches here are exempt from `block` (public keys, certificates). */
  exceptions: string[];
  /** Writing these needs approval (persistence: shell rc files, cron, systemd units, git hooks). */
  write_approve: string[];
}

export interface CommandOptions {
  /** Options that take a separate value word, per program (for positional analysis). */
  value_options: Record<string, string[]>;
  /** Programs that only read (step 305 safe list; skip the judge). */
  read_only: string[];
  /** Programs whose operands are files they read (for sensitive-path checks). */
  file_readers: string[];
  /** Programs that send data over the network. */
  network_senders: string[];
  /** Programs that download data. */
  downloaders: string[];
  /** Programs that decode data (base64 -d …) and so can hide a payload. */
  decoders: string[];
}

export interface BlastPolicy {
  /** Blast radius per canonical tool (reference §3.1 table, re-keyed to our taxonomy). */
  tools: Record<string, number>;
  /** Blast at or above this needs human approval (step 330). */
  approval_threshold: number;
}

export interface SessionPolicy {
  /** Same call this many times in one session → approval (step 336). */
  loop_threshold: number;
  /** Loop entries older than this are forgotten (seconds). */
  loop_window_s: number;
  /** BLOCKs per session before the circuit breaker quarantines it (step 315). */
  max_violations: number;
  /** Tracked instruction files for drift (step 309), relative to the call's cwd. */
  instruction_files: string[];
}

export interface AidRegions {
  /** Applies to agents not listed; empty allowed_tools = unrestricted. */
  default: { allowed_tools: string[] };
  /** Key `tenant:aid` (or `aid`). */
  aids: Record<string, { allowed_tools: string[] }>;
}

export interface DenyAllowRule {
  name: string;
  tool?: string;
  arg_pattern?: string;
}

export interface PolicyLists {
  deny: DenyAllowRule[];
  allow: DenyAllowRule[];
}

export interface Policies {
  packs: RulePack[];
  sensitive: SensitivePaths;
  commands: CommandOptions;
  blast: BlastPolicy;
  session: SessionPolicy;
  aid_regions: AidRegions;
  lists: PolicyLists;
  text: { secrets: Array<{ name: string; regex: string }> };
}

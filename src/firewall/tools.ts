/**
 * One tool taxonomy for every entry point (reference §12.3 defect 3 / fact 6: the original passed
 * raw Claude names in local mode and lost rules). Claude Code names come from the hooks reference
 * (§"tool_input shapes"), OpenClaw names from its plugin docs (`exec` with `params.command` …), and
 * the original's canonical names map to themselves so old policies keep working.
 */

export type CanonicalTool =
  | 'execute_shell'
  | 'read_file'
  | 'write_file'
  | 'list_directory'
  | 'search_files'
  | 'fetch_url'
  | 'web_search'
  | 'spawn_agent'
  | 'mcp_tool'
  | 'send_message'
  | 'agent_internal'
  | 'unknown';

export type ToolOrigin = 'claude-code' | 'openclaw' | 'canonical' | 'mcp' | 'unknown';

export interface ToolName {
  readonly raw: string;
  readonly canonical: CanonicalTool;
  readonly origin: ToolOrigin;
  /** For MCP tools: server and tool parts of `mcp__server__tool`. */
  readonly mcp?: { readonly server: string; readonly tool: string };
}

const CLAUDE: Record<string, CanonicalTool> = {
  Bash: 'execute_shell',
  PowerShell: 'execute_shell',
  BashOutput: 'agent_internal',
  KillShell: 'agent_internal',
  Read: 'read_file',
  NotebookRead: 'read_file',
  Write: 'write_file',
  Edit: 'write_file',
  MultiEdit: 'write_file',
  NotebookEdit: 'write_file',
  Glob: 'list_directory',
  LS: 'list_directory',
  Grep: 'search_files',
  WebFetch: 'fetch_url',
  WebSearch: 'web_search',
  Agent: 'spawn_agent',
  Task: 'spawn_agent',
  TodoWrite: 'agent_internal',
  AskUserQuestion: 'agent_internal',
  ExitPlanMode: 'agent_internal',
  ListMcpResources: 'read_file',
  ReadMcpResource: 'read_file',
};

const OPENCLAW: Record<string, CanonicalTool> = {
  exec: 'execute_shell',
  bash: 'execute_shell',
  process: 'execute_shell',
  read: 'read_file',
  write: 'write_file',
  edit: 'write_file',
  apply_patch: 'write_file',
  web_fetch: 'fetch_url',
  web_search: 'web_search',
  browser: 'fetch_url',
  message: 'send_message',
  sessions_send: 'send_message',
  sessions_spawn: 'spawn_agent',
};

/** The original's canonical names (reference §5.2) and common donor names. */
const CANONICAL: Record<string, CanonicalTool> = {
  execute_shell: 'execute_shell',
  shell: 'execute_shell',
  run_command: 'execute_shell',
  terminal: 'execute_shell',
  read_file: 'read_file',
  write_file: 'write_file',
  delete_file: 'write_file',
  list_directory: 'list_directory',
  search_files: 'search_files',
  call_external_api: 'fetch_url',
  fetch: 'fetch_url',
  http_request: 'fetch_url',
  send_email: 'send_message',
  post_message: 'send_message',
};

export function normaliseToolName(raw: string): ToolName {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(raw);
  if (mcp !== null)
    return {
      raw,
      canonical: 'mcp_tool',
      origin: 'mcp',
      mcp: { server: mcp[1] as string, tool: mcp[2] as string },
    };
  const cc = CLAUDE[raw];
  if (cc !== undefined) return { raw, canonical: cc, origin: 'claude-code' };
  const oc = OPENCLAW[raw];
  if (oc !== undefined) return { raw, canonical: oc, origin: 'openclaw' };
  const canon = CANONICAL[raw];
  if (canon !== undefined) return { raw, canonical: canon, origin: 'canonical' };
  return { raw, canonical: 'unknown', origin: 'unknown' };
}

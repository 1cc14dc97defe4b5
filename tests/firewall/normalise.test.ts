import { describe, expect, it } from 'vitest';
import { classifyPath, compileGlob, resolvePath } from '#firewall/paths.js';
import { normaliseToolName } from '#firewall/tools.js';
import { CWD, firewall } from './helpers.js';

describe('tool names → one taxonomy', () => {
  it.each([
    ['Bash', 'execute_shell'],
    ['Read', 'read_file'],
    ['Write', 'write_file'],
    ['Edit', 'write_file'],
    ['MultiEdit', 'write_file'],
    ['NotebookEdit', 'write_file'],
    ['Glob', 'list_directory'],
    ['Grep', 'search_files'],
    ['WebFetch', 'fetch_url'],
    ['WebSearch', 'web_search'],
    ['Agent', 'spawn_agent'],
    ['Task', 'spawn_agent'],
    ['mcp__github__create_issue', 'mcp_tool'],
    ['exec', 'execute_shell'],
    ['read', 'read_file'],
    ['write', 'write_file'],
    ['web_fetch', 'fetch_url'],
    ['execute_shell', 'execute_shell'],
    ['Nonsense', 'unknown'],
  ])('%s → %s', (raw, canon) => {
    expect(normaliseToolName(raw).canonical).toBe(canon);
  });
  it('splits MCP names', () => {
    expect(normaliseToolName('mcp__srv__do_thing').mcp).toEqual({ server: 'srv', tool: 'do_thing' });
  });
  it('OpenClaw exec gets the same shell analysis as Claude Bash', async () => {
    const fw = firewall();
    const oc = await fw.evaluate({ tool: 'exec', input: { command: 'rm -fr /', workdir: CWD } });
    const cc = await fw.evaluate({ tool: 'Bash', input: { command: 'rm -fr /' }, cwd: CWD });
    expect(oc.decision).toBe('BLOCK');
    expect(oc.rules).toEqual(cc.rules);
  });
});

describe('paths', () => {
  it('resolves ~, .., . and cwd', () => {
    expect(resolvePath('~/.ssh/./id_rsa', '/x', '/h')).toBe('/h/.ssh/id_rsa');
    expect(resolvePath('../.env', '/p/sub', '/h')).toBe('/p/.env');
    expect(resolvePath('/tmp/../etc/', '/p', '/h')).toBe('/etc');
  });
  it('classifies operands', () => {
    expect(classifyPath('/', '/p', '/h', '/tmp')).toBe('root');
    expect(classifyPath('~', '/p', '/h', '/tmp')).toBe('home');
    expect(classifyPath('/etc', '/p', '/h', '/tmp')).toBe('system');
    expect(classifyPath('/tmp/x', '/p', '/h', '/tmp')).toBe('temp');
    expect(classifyPath('build', '/h/p', '/h', '/tmp')).toBe('project');
    expect(classifyPath('../../etc', '/h/p', '/h', '/tmp')).toBe('system');
  });
  it('globs: relative patterns match at any depth, * stays in a segment', () => {
    expect(compileGlob('.env', '/h').test('/proj/.env')).toBe(true);
    expect(compileGlob('~/.ssh/id_*', '/h').test('/h/.ssh/id_rsa')).toBe(true);
    expect(compileGlob('~/.ssh/id_*', '/h').test('/h/.ssh/x/id_rsa')).toBe(false);
    expect(compileGlob('**/secrets/**', '/h').test('/a/b/secrets/c/d')).toBe(true);
  });
});

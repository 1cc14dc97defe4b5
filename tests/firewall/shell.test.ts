import { describe, expect, it } from 'vitest';
import { analyseShell } from '#firewall/shell/parse.js';
import type { ShellAnalysis } from '#firewall/shell/types.js';

const env = { cwd: '/p', home: '/h', vars: { TMPDIR: '/tmp' } };
const a = (s: string): ShellAnalysis => analyseShell(s, env);
const names = (s: string): string[] => a(s).commands.map((c) => c.name);
const argv = (s: string, name: string): readonly string[] | undefined =>
  a(s).commands.find((c) => c.name === name)?.argv;

describe('shell analysis (tree-sitter-bash)', () => {
  it('unquotes words: single, double, ANSI-C quotes and backslash escapes', () => {
    expect(argv(`rm -rf "/home/u" '/x y' $'a\\tb' \\/etc`, 'rm')).toEqual([
      'rm',
      '-rf',
      '/home/u',
      '/x y',
      'a\tb',
      '/etc',
    ]);
    expect(names('"git" status')).toEqual(['git']);
    expect(names('\\git status')).toEqual(['git']);
  });
  it('expands $HOME, ${VAR:-default}, earlier assignments; leaves unknowns dynamic', () => {
    expect(argv('cat "$HOME/.aws/credentials"', 'cat')).toEqual(['cat', '/h/.aws/credentials']);
    expect(argv('rm -rf ${TMPDIR:-/tmp}/build', 'rm')?.[2]).toBe('/tmp/build');
    expect(argv('D=/etc; rm -rf $D', 'rm')?.[2]).toBe('/etc');
    expect(argv('rm -rf $UNKNOWN', 'rm')?.[2]).toContain('\u0000');
  });
  it('walks pipes, lists, subshells, groups, $( ) and backticks as executed', () => {
    expect(names('a | b && c || d; e & f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(names('(git reset --hard)')).toEqual(['git']);
    expect(names('{ rm -rf /x; echo; }')).toEqual(['rm', 'echo']);
    expect(names('echo $(rm -rf /home)')).toContain('rm');
    expect(names('echo `rm -rf /home`')).toContain('rm');
    expect(a('curl x | sh').commands[1]?.upstream.map((u) => u.name)).toEqual(['curl']);
  });
  it('treats quoted text, comments and heredocs fed to data commands as data', () => {
    expect(names('echo "rm -rf /"')).toEqual(['echo']);
    expect(names('# rm -rf /')).toEqual([]);
    expect(names('cat <<EOF\nrm -rf /\nEOF')).toEqual(['cat']);
    expect(names('git commit -m "git reset --hard"')).toEqual(['git']);
  });
  it('runs code given to bash -c, sh -c, eval, and heredocs / here-strings fed to a shell', () => {
    expect(names("bash -c 'git reset --hard'")).toEqual(['bash', 'git']);
    expect(names("sh -lc 'rm -rf /x'")).toEqual(['sh', 'rm']);
    expect(names('eval "rm -rf /"')).toEqual(['eval', 'rm']);
    expect(names("bash <<'EOF'\nrm -rf /\nEOF")).toEqual(['bash', 'rm']);
    expect(names("sh <<<'git clean -fd'")).toEqual(['sh', 'git']);
  });
  it('strips env prefixes and wrappers: sudo, env, nice, timeout, nohup, command, xargs, find -exec', () => {
    const c = a('FOO=1 sudo -u root env -i BAR=2 nice -n 19 timeout 5 nohup command rm -rf /x').commands[0];
    expect(c?.name).toBe('rm');
    expect(c?.via).toEqual(['sudo', 'env', 'nice', 'timeout', 'nohup', 'command']);
    expect(c?.assignments).toMatchObject({ FOO: '1', BAR: '2' });
    expect(names('xargs rm -rf')).toEqual(['rm']);
    expect(names('find . -name x -exec rm -f {} \\;')).toEqual(['find', 'rm']);
    expect(names('command -v rm')).toEqual(['command']);
  });
  it('extracts interpreter one-liners and stdin scripts', () => {
    const s = a(`python3 -c "import os; os.system('rm -rf /')"`).scripts[0];
    expect(s?.lang).toBe('python');
    expect(s?.code).toContain('os.system');
    expect(a(`node -e "console.log(1)"`).scripts[0]?.lang).toBe('node');
    expect(a(`perl -e 'print 1'`).scripts[0]?.lang).toBe('perl');
    expect(a(`ruby <<EOF\nputs 1\nEOF`).scripts[0]?.lang).toBe('ruby');
  });
  it('tracks cd for later commands of the same list, not past a subshell', () => {
    const r = a('cd ~ && cat .aws/credentials');
    expect(r.commands.find((c) => c.name === 'cat')?.cwd).toBe('/h');
    expect(a('(cd /etc); cat x').commands.find((c) => c.name === 'cat')?.cwd).toBe('/p');
  });
  it('normalises Unicode dashes and reports fork bombs and syntax errors', () => {
    expect(argv('git reset \u2010\u2010hard', 'git')).toEqual(['git', 'reset', '--hard']);
    expect(a(':(){ :|:& };').functions[0]?.backgroundedSelfPipe).toBe(true);
    expect(a('echo "unterminated').syntaxError).toBe(true);
  });
  it('stops at the nesting limit and says so', () => {
    expect(a('eval eval eval eval eval eval eval eval eval ls').truncated).toBe(true);
  });
});

describe('plain-command fast path', () => {
  it('agrees with the tree-sitter parse on commands without shell syntax', () => {
    const samples = [
      'git status',
      'FOO=1 git push --force origin main',
      'sudo rm -rf /srv/x',
      'env -i A=1 nice -n 5 git reset --hard',
      'kubectl delete ns prod',
      'xargs rm -rf',
      'a',
      '   ',
      'python3 -c print',
      'find . -name x -exec rm -f {} +',
      'git -c user.name=x push -f',
    ];
    for (const s of samples) {
      const fast = analyseShell(s, env);
      const full = analyseShell(s, env, { plainFastPath: false });
      expect(JSON.stringify(fast.commands), s).toBe(JSON.stringify(full.commands));
      expect(JSON.stringify(fast.scripts), s).toBe(JSON.stringify(full.scripts));
    }
  });
});

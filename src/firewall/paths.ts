import { posix } from 'node:path';
import { DYNAMIC } from './shell/words.js';

/**
 * Path resolution before matching (the original matched raw strings, so `$HOME/.ssh/./id_rsa`,
 * `/proj/.env` and `cd ~ && cat .aws/credentials` escaped: reference §3.5). POSIX semantics:
 * `~` and `~/…` expand to the home directory, relative paths join the call's cwd, `.` and `..`
 * collapse lexically (no symlinks are followed: the file may not exist yet).
 */
export function resolvePath(p: string, cwd: string, home: string): string {
  let s = p;
  if (s === '~') s = home;
  else if (s.startsWith('~/')) s = home + s.slice(1);
  if (!s.startsWith('/')) s = posix.join(cwd, s);
  const n = posix.normalize(s);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** True when the word carries a run-time value we could not resolve. */
export function isDynamic(word: string): boolean {
  return word.includes(DYNAMIC);
}

export type PathClass =
  'root' | 'home' | 'home_child' | 'system' | 'outside' | 'temp' | 'project' | 'dynamic';

const TEMP_ROOTS = ['/tmp', '/var/tmp', '/dev/shm', '/private/tmp', '/private/var/tmp'];
/** Top-level directories whose loss breaks the system (FHS 3.0 §3). */
const SYSTEM_ROOTS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/usr',
  '/var',
  '/Users',
  '/System',
  '/Library',
  '/Applications',
  '/Volumes',
];

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + '/');
}

/**
 * Classifies an operand of a destructive command. A relative operand that stays inside the cwd is
 * `project` whatever the cwd is; `$TMPDIR`, /tmp and /var/tmp are `temp`; glob-everything operands
 * such as `*` or `.*` are `project` (they act on the cwd).
 */
export function classifyPath(word: string, cwd: string, home: string, tmpdir: string): PathClass {
  if (word.includes(DYNAMIC)) {
    // `${TMPDIR:-/tmp}/x` resolves; anything still dynamic is unknown.
    return 'dynamic';
  }
  const relative = !word.startsWith('/') && !word.startsWith('~');
  const abs = resolvePath(word, cwd, home);
  if (relative && under(abs, cwd)) return 'project';
  if (abs === '/' || /^\/\*?$/.test(word.replace(/\/+/g, '/'))) return 'root';
  // Home before temp: a home directory that happens to live under /tmp (CI, sandboxes) is still home, so
  // `rm -rf ~` there is not mistaken for clearing a temp directory.
  if (abs === home) return 'home';
  if (under(abs, home)) return 'home_child';
  const tmpRoots = tmpdir !== '' ? [...TEMP_ROOTS, tmpdir] : TEMP_ROOTS;
  if (tmpRoots.some((t) => under(abs, t))) return 'temp';
  if (
    SYSTEM_ROOTS.some((r) => abs === r) ||
    SYSTEM_ROOTS.some((r) => under(abs, r) && abs.split('/').length <= 3)
  )
    return 'system';
  return 'outside';
}

/**
 * Compiles a sensitive-path glob to a RegExp over absolute paths: `~` is the home directory,
 * `*` stays inside one path segment, `**` spans segments, and a pattern without a leading `/`
 * or `~` matches at any depth (so `.env` catches `/proj/.env`, a miss of the original).
 */
export function compileGlob(pattern: string, home: string): RegExp {
  let p = pattern;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  const anchored = p.startsWith('/');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        if (slash) re += '(?:.*/)?';
        else if (i + 2 === p.length && re.endsWith('/'))
          re = re.slice(0, -1) + '(?:/.*)?'; // `dir/**` also names dir itself
        else re += '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`);
}

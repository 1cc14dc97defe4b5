import { AGENT_PID_HEADER } from './protocol.js';
/**
 * The command Claude Code runs for every hook event: a POSIX sh script, because starting Node costs ~100 ms
 * here and the hot path must take a few (issue 6). It copies stdin to a private file, posts it to the
 * daemon's unix socket with `curl --unix-socket`, and replays the daemon's answer (exit code, stdout,
 * stderr; see encodeWire). When curl gets no complete answer it runs the Node fallback (src/hook/entry.ts, = `aegis hook`), which starts the
 * daemon and asks again or answers by the fail policy. If even that fails, the shim blocks (exit 2): no path
 * through it ends in an accidental allow (reference/claude-code-hooks.md §3: exit 1 would let the tool run).
 */
export interface ShimOptions {
  /** $AEGIS_HOME baked in as the default (an AEGIS_HOME in Claude Code's environment still wins). */
  home: string;
  /** argv of the Node fallback (src/hook/entry, or `aegis hook`), see hookFallbackCommand(). */
  fallback: string[];
  /** curl's whole-request limit in seconds; below the hook timeout the installer sets. */
  curlMaxTime?: number;
}

/** Single-quotes a value for sh (the only character needing care inside '…' is ' itself). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export const SHIM_MARKER = '# aegis-t3-hook-shim v1';

export function renderShim(o: ShimOptions): string {
  const fallback = o.fallback.map(shQuote).join(' ');
  return `#!/bin/sh
${SHIM_MARKER}
# Claude Code hook for Aegis T3, written by \`aegis install\`; re-run the installer instead of editing.
# Fast path: curl posts stdin to the daemon's unix socket (the daemon removes the stdin copy). Fallback: \`aegis hook\` (Node) starts the
# daemon and asks again, or answers by the fail policy. Last resort: exit 2 (blocks; never allows).
# $PPID is the agent (Claude Code): the daemon reads its process tree's counters for the hardware band.
AEGIS_HOME="\${AEGIS_HOME:-${o.home.replace(/[\\"$`]/g, '\\$&')}}"
export AEGIS_HOME
umask 077
dir="$AEGIS_HOME/state"
[ -d "$dir" ] || mkdir -p "$dir" 2>/dev/null
in="$dir/hook.$$.in"
nl='
'
block() {
  printf 'Aegis could not decide (%s); fail policy "deny". To recover: check \`aegis daemon status\`, start it with \`aegis daemon start\`; to work without Aegis run \`aegis install --rescue\`.\\n' "$1" >&2
  rm -f "$in"
  exit 2
}
cat >"$in" 2>/dev/null || block "cannot save the hook input in $dir"
if [ -S "$AEGIS_HOME/daemon.sock" ]; then
  # -q first: a user's ~/.curlrc must not change this request.
  resp=$(curl -q -s --fail --max-time ${o.curlMaxTime ?? 5} -H 'Content-Type: application/octet-stream' -H 'Expect:' \\
    -H "X-Aegis-Input-File: $in" -H "${AGENT_PID_HEADER}: $PPID" --unix-socket "$AEGIS_HOME/daemon.sock" --data-binary @"$in" http://aegis/v1/hook 2>/dev/null)
  if [ $? -eq 0 ]; then
    case "$resp" in
    [02]"$nl"*"$nl"*"$nl".)
      code=\${resp%%"$nl"*}
      rest=\${resp#*"$nl"}
      out=\${rest%%"$nl"*}
      rest=\${rest#*"$nl"}
      err=\${rest%"$nl".}
      [ -n "$out" ] && printf '%s\\n' "$out"
      [ -n "$err" ] && printf '%s\\n' "$err" >&2
      exit "$code"
      ;;
    esac
  fi
fi
AEGIS_AGENT_PID=$PPID ${fallback} <"$in"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 2 ] || block "the aegis hook fallback exited with status $rc"
rm -f "$in"
exit $rc
`;
}

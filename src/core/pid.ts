/**
 * A process id as text from outside (a header, an environment variable, a flag): digits only, no sign, no leading
 * zero, at most ten digits (pid_max is at most 2^22 on Linux). Anything else is not a pid.
 */
const PID_RE = /^[1-9][0-9]{0,9}$/;

export function parsePid(s: string | undefined): number | undefined {
  return s !== undefined && PID_RE.test(s) ? Number(s) : undefined;
}

/**
 * `pg_ctl start` does not exec the server itself: it builds one shell command
 * line (pg_ctl.c, start_postmaster) and hands it to /bin/sh:
 *
 *   exec "PGBINDIR/postgres" -D "DATADIR" < "/dev/null" >> "LOGFILE" 2>&1
 *
 * Inside those double quotes the shell still expands `$(...)`, `$VAR` and
 * backquotes, and a `"` or a trailing `\` ends or escapes the quoting: a data
 * directory named `/srv/x$(touch /tmp/pwned)` runs `touch` as the server
 * account. pg_ctl has no way to pass them otherwise, so pgcockpit refuses such
 * paths before pg_ctl (or anything else) sees them. A control character
 * (newline, escape) in a path is refused too: it would also garble every
 * message and log line that names the path.
 */
const SHELL_ACTIVE: ReadonlyArray<[RegExp, string]> = [
  [/"/, 'a double quote (")'],
  [/\$/, 'a dollar sign ($)'],
  [/`/, 'a backquote (`)'],
  [/\\/, 'a backslash (\\)'],
];

/** Why `file` cannot be handed to pg_ctl, or undefined when it can. */
export function pgCtlPathProblem(file: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(file);
  if (control) return `holds a control character (code ${control[0].charCodeAt(0)})`;
  for (const [pattern, name] of SHELL_ACTIVE) {
    if (pattern.test(file)) return `holds ${name}, which the shell that pg_ctl starts the server with would interpret`;
  }
  return undefined;
}

/** The error for a refused path: the character, the path, and what to do. */
export class UnsafePgCtlPathError extends Error {
  override readonly name = 'UnsafePgCtlPathError';
  constructor(what: string, file: string, problem: string) {
    super(`${what} ${JSON.stringify(file)} ${problem}; choose a path without " $ \` \\ or control characters`);
  }
}

/** Throws UnsafePgCtlPathError for a path pg_ctl would hand to a shell unsafely. `what`: "data directory", "--dir", ... */
export function assertPgCtlPath(what: string, file: string): void {
  const problem = pgCtlPathProblem(file);
  if (problem !== undefined) throw new UnsafePgCtlPathError(what, file, problem);
}

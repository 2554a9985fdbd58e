import { shellJoin, shellQuote } from '../os/shellQuote.js';

/**
 * Builds the one string an SSH exec request carries. sshd hands it to the
 * login shell (`$SHELL -c`), so every argument is quoted for a POSIX shell.
 *
 *   [cd -- DIR && ]exec sh -c 'echo "PGCOCKPIT_PID $$" >&2; exec "$@"' sh \
 *       [sudo -n -u OSUSER -- [sh -c 'cd ...' sh DIR]] [sh -c 'read env from stdin; exec' sh] PROGRAM ARGS...
 *
 * The wrapper announces its pid, then execs the program in place. sshd starts
 * the login shell of a session without a tty with setsid(), so that pid is the
 * session's and process group's id: `kill -s TERM -- -PID` reaches the program
 * and everything it started, sudo included.
 */
export interface RemoteCommandSpec {
  program: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>> | undefined;
  cwd?: string | undefined;
  /** Run through `sudo -n -u sudoTo`: the login is not the account that owns the data. */
  sudoTo?: string | undefined;
}

export const PID_MARKER = 'PGCOCKPIT_PID';

const PID_WRAPPER = `echo "${PID_MARKER} $$" >&2; exec "$@"`;
// After sudo the directory is entered as the target account, which may be the only one allowed in (a 0700 data directory).
const CD_WRAPPER = 'cd -- "$1" || exit; shift; exec "$@"';
// Environment values (PGPASSWORD among them) arrive on stdin, one NAME=value a line, ended by an empty
// line: on the command line they would show in `ps` on the remote host. sudo resets the environment
// (env_reset), so this runs after sudo.
const ENV_WRAPPER = 'while IFS= read -r assignment && [ -n "$assignment" ]; do export "$assignment" || exit 125; done; exec "$@"';

export function buildRemoteCommand(spec: RemoteCommandSpec): string {
  if (spec.program === '') throw new Error('remote command: the program name is empty');
  const env = Object.entries(spec.env ?? {});
  for (const [name] of env) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`remote command: "${name}" is not a valid environment variable name`);
  }
  for (const [name, value] of env) {
    if (/[\n\0]/.test(value)) throw new Error(`remote command: the value of ${name} holds a newline or NUL byte and cannot be sent`);
  }
  const program = [...(env.length > 0 ? ['sh', '-c', ENV_WRAPPER, 'sh'] : []), spec.program, ...spec.args];
  const argv: string[] = [];
  let prefix = '';
  if (spec.sudoTo !== undefined) {
    argv.push('sudo', '-n', '-u', spec.sudoTo, '--');
    if (spec.cwd !== undefined) argv.push('sh', '-c', CD_WRAPPER, 'sh', spec.cwd);
  } else if (spec.cwd !== undefined) {
    prefix = `cd -- ${shellQuote(spec.cwd)} && `;
  }
  argv.push(...program);
  return `${prefix}exec sh -c ${shellQuote(PID_WRAPPER)} sh ${shellJoin(argv)}`;
}

/** What the command's stdin carries: the environment for ENV_WRAPPER, or nothing. */
export function buildRemoteStdin(spec: Pick<RemoteCommandSpec, 'env'>): string {
  const env = Object.entries(spec.env ?? {});
  return env.length === 0 ? '' : `${env.map(([name, value]) => `${name}=${value}`).join('\n')}\n\n`;
}

/**
 * Signals a remote process group. `kill -s SIG -- -PGID` is the one spelling
 * that dash's and bash's builtins and procps' kill all read as a group. Through
 * sudo when the command ran through sudo: the login may not signal the target account.
 */
export function buildKillCommand(processGroup: number, signal: 'TERM' | 'KILL', sudoTo?: string): string {
  if (!Number.isInteger(processGroup) || processGroup <= 1) throw new Error(`remote command: refusing to signal process group ${processGroup}`);
  const kill = ['kill', '-s', signal, '--', `-${processGroup}`];
  return shellJoin(sudoTo === undefined ? kill : ['sudo', '-n', '-u', sudoTo, '--', ...kill]);
}

/** The pid the wrapper announced, or null when `line` is not its announcement. */
export function parsePidMarker(line: string): number | null {
  const match = new RegExp(`^${PID_MARKER} (\\d+)$`).exec(line);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** sudo -n refusing because it would have to ask for a password. */
export function isSudoPasswordPrompt(stderrLine: string): boolean {
  return /^sudo: (a password is required|a terminal is required)/.test(stderrLine);
}

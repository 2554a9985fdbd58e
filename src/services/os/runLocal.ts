import { execa } from 'execa';
import type { OsUser } from './osUser.js';
import { currentOsUser, runningAsRoot } from './osUser.js';

export interface LocalCommand {
  file: string;
  args: readonly string[];
  /** The account to run as. Root can become anyone; anyone else only themselves. */
  osUser: OsUser;
  env?: Record<string, string>;
  cwd?: string;
  /** Each line of output as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
}

export interface LocalResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class CommandFailedError extends Error {
  constructor(
    readonly command: LocalCommand,
    readonly result: LocalResult,
  ) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    super(`${[command.file, ...command.args].join(' ')} (as ${command.osUser.name}) ${how}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/**
 * Runs a program (never through a shell) as `osUser` on this machine.
 * When root runs it for another account, the child gets that account's uid,
 * gid, HOME and USER, and starts in its home so tools like initdb do not warn
 * about an unreadable working directory.
 */
export async function runLocal(command: LocalCommand): Promise<LocalResult> {
  const me = currentOsUser();
  const switching = command.osUser.uid !== me.uid;
  if (switching && !runningAsRoot()) {
    throw new Error(
      `cannot run ${command.file} as ${command.osUser.name}: pgcockpit runs as ${me.name}. ` +
        `Run pgcockpit as ${command.osUser.name}, or as root so it can switch users.`,
    );
  }
  const identity = switching
    ? {
        uid: command.osUser.uid,
        gid: command.osUser.gid,
        env: { HOME: command.osUser.home, USER: command.osUser.name, LOGNAME: command.osUser.name },
      }
    : { env: {} };
  const started = performance.now();
  const child = execa(command.file, command.args, {
    uid: identity.uid,
    gid: identity.gid,
    cwd: command.cwd ?? (switching ? command.osUser.home : undefined),
    env: { ...identity.env, ...command.env },
    reject: false,
    stdin: 'ignore',
    timeout: command.timeoutMs,
    lines: false,
  });
  if (command.onLine) {
    const onLine = command.onLine;
    forwardLines(child.stdout, (line) => onLine(line, 'stdout'));
    forwardLines(child.stderr, (line) => onLine(line, 'stderr'));
  }
  const done = await child;
  return {
    exitCode: done.exitCode,
    signal: done.signal,
    stdout: String(done.stdout ?? ''),
    stderr: String(done.stderr ?? ''),
    durationMs: performance.now() - started,
  };
}

/** Like runLocal, but a non-zero exit is an error that quotes the tool's last words. */
export async function runLocalChecked(command: LocalCommand): Promise<LocalResult> {
  const result = await runLocal(command);
  if (result.exitCode !== 0) throw new CommandFailedError(command, result);
  return result;
}

function forwardLines(stream: NodeJS.ReadableStream | null, emit: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) emit(line);
  });
  stream.on('end', () => {
    if (pending !== '') emit(pending);
  });
}

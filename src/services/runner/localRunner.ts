import { execa } from 'execa';
import { StringDecoder } from 'node:string_decoder';
import type { OsUser } from '../os/osUser.js';
import { currentOsUser, lookupOsUser } from '../os/osUser.js';
import { childEnvironment } from './childEnvironment.js';
import { createLineSplitter } from './lineSplitter.js';
import { LocalUserError } from './localUserError.js';
import { processGroupExists, terminateProcessGroup, trackProcessGroup } from './processGroup.js';
import type { CommandResult, CommandSpec, OutputLine, RunOptions, Runner } from './runner.js';

export interface LocalRunnerOptions {
  /** How long a stopped command (timeout, cancel) gets between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /**
   * How long output is still read once the program has exited: a background
   * process it left behind (a server started without a log file) may hold
   * its stdout open forever. Default 2 s.
   */
  outputDrainMs?: number;
  /** Who pgcockpit runs as; the current process's user unless a test says otherwise. */
  self?: OsUser;
}

export const DEFAULT_KILL_GRACE_MS = 5000;
export const DEFAULT_OUTPUT_DRAIN_MS = 2000;

/**
 * Runs programs on this machine as a node's OS user. As root it hands the
 * child that account's uid and gid (PostgreSQL refuses to run as root, and
 * files root writes into a data directory keep the server from starting);
 * anyone else can only run programs as themselves.
 *
 * A child's environment is built, never inherited (childEnvironment): the
 * locale, PATH, the account's HOME/USER/LOGNAME and the command's own env.
 *
 * Every child leads its own process group, so a timeout or a cancel stops
 * all it started: SIGTERM to the group, SIGKILL after a grace period.
 */
export class LocalRunner implements Runner {
  readonly where: string;
  readonly osUser: string;
  private readonly killGraceMs: number;
  private readonly outputDrainMs: number;
  private readonly self: OsUser;
  private userLookup?: Promise<OsUser>;
  /** Stops for the commands running now, for close(). */
  private readonly running = new Map<symbol, { stop: () => void; done: Promise<unknown> }>();

  constructor(
    private readonly user: string | OsUser,
    options: LocalRunnerOptions = {},
  ) {
    this.osUser = typeof user === 'string' ? user : user.name;
    this.where = `local as ${this.osUser}`;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.outputDrainMs = options.outputDrainMs ?? DEFAULT_OUTPUT_DRAIN_MS;
    this.self = options.self ?? currentOsUser();
  }

  async run(spec: CommandSpec, options: RunOptions = {}): Promise<CommandResult> {
    const target = await this.targetUser(spec.program);
    const { signal, onLine } = options;
    if (signal?.aborted) return { exitCode: null, signal: null, durationMs: 0, timedOut: false, cancelled: true };

    // Start in the account's home, so tools like initdb do not warn about an unreadable working directory.
    const cwd = spec.cwd ?? target?.home;
    const started = performance.now();
    const child = execa(spec.program, [...spec.args], {
      uid: target?.uid,
      gid: target?.gid,
      cwd,
      // Never pgcockpit's own environment: a PGPASSWORD in the DBA's shell would live on in every server pg_ctl starts.
      env: childEnvironment(target ?? this.self, spec.env),
      extendEnv: false,
      detached: true,
      reject: false,
      ...(spec.stdin !== undefined ? { input: spec.stdin } : { stdin: 'ignore' as const }),
      // Output goes to onLine as it arrives; buffering 100 000 lines of pg_dump --verbose would only waste memory.
      buffer: false,
    });

    let lineError: unknown;
    /** Reads a stream into lines; returns what ends it early (the unfinished last line is emitted). */
    const forward = (stream: OutputLine['stream'], source: NodeJS.ReadableStream | null): (() => void) => {
      if (!source) return () => undefined;
      const decoder = new StringDecoder('utf8');
      const splitter = createLineSplitter((text) => {
        if (!onLine) return;
        try {
          onLine({ at: Date.now(), stream, text });
        } catch (error) {
          lineError ??= error;
        }
      });
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        splitter.push(decoder.end());
        splitter.end();
      };
      source.on('data', (chunk: Buffer) => {
        if (!ended) splitter.push(decoder.write(chunk));
      });
      source.once('end', end);
      return end;
    };
    const endStdout = forward('stdout', child.stdout);
    const endStderr = forward('stderr', child.stderr);

    const pgid = child.pid;
    let stoppedBy: 'timeout' | 'cancel' | undefined;
    let callOffKill: (() => void) | undefined;
    const stop = (reason: 'timeout' | 'cancel') => {
      if (stoppedBy !== undefined || pgid === undefined) return;
      stoppedBy = reason;
      callOffKill = terminateProcessGroup(pgid, this.killGraceMs);
    };
    const onAbort = () => stop('cancel');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = spec.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), spec.timeoutMs) : undefined;
    const untrack = pgid !== undefined ? trackProcessGroup(pgid) : () => undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    child.once('exit', () => {
      drainTimer = setTimeout(() => {
        endStdout();
        endStderr();
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, this.outputDrainMs);
    });
    const key = Symbol(spec.program);
    this.running.set(key, { stop: () => stop('cancel'), done: child });

    let result: Awaited<typeof child>;
    try {
      result = await child;
    } finally {
      clearTimeout(timer);
      clearTimeout(drainTimer);
      signal?.removeEventListener('abort', onAbort);
      untrack();
      this.running.delete(key);
    }
    // The group is gone (its last member reaped): no SIGKILL may go to a number the kernel could hand out again.
    if (callOffKill && pgid !== undefined && !processGroupExists(pgid)) callOffKill();

    if (result.failed && result.exitCode === undefined && result.signal === undefined && stoppedBy === undefined) {
      throw new Error(`cannot start ${spec.program} (${this.where}): ${startFailure(result, cwd)}`);
    }
    if (lineError !== undefined) throw lineError;
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      durationMs: performance.now() - started,
      timedOut: stoppedBy === 'timeout',
      cancelled: stoppedBy === 'cancel',
    };
  }

  /** Stops whatever still runs (as a cancel) and waits for it to end. */
  async close(): Promise<void> {
    const running = [...this.running.values()];
    for (const command of running) command.stop();
    await Promise.allSettled(running.map((command) => command.done));
  }

  /** The account to switch to, or undefined to run as ourselves. */
  private async targetUser(program: string): Promise<OsUser | undefined> {
    const wanted = this.user;
    if (typeof wanted === 'string' ? wanted === this.self.name : wanted.uid === this.self.uid) return undefined;
    if (this.self.uid !== 0) throw new LocalUserError(program, this.osUser, this.self.name);
    if (typeof wanted !== 'string') return wanted;
    this.userLookup ??= lookupOsUser(wanted).catch((error: unknown) => {
      this.userLookup = undefined;
      throw error;
    });
    return this.userLookup;
  }
}

function startFailure(result: { code?: string; originalMessage?: string; message?: string }, cwd: string | undefined): string {
  const message = result.originalMessage ?? result.message ?? 'unknown error';
  if (result.message?.includes('"cwd" option')) {
    return `its working directory ${cwd ?? process.cwd()} does not exist or cannot be entered`;
  }
  if (result.code === 'ENOENT') return 'no such program (give its full path, e.g. from the node\'s pgBinDir)';
  if (result.code === 'EACCES') return 'permission denied (not executable by this user)';
  return message;
}

/** A runner for programs on this machine, run as `osUser`. */
export function localRunner(osUser: string | OsUser, options?: LocalRunnerOptions): Runner {
  return new LocalRunner(osUser, options);
}

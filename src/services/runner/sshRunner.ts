import { StringDecoder } from 'node:string_decoder';
import type { NodeConfig } from '../config/schema.js';
import type { CommandResult, CommandSpec, OutputLine, RunOptions, Runner } from './runner.js';
import { createLineSplitter } from './lineSplitter.js';
import type { SshEnvironment } from '../ssh/sshEnvironment.js';
import { defaultSshEnvironment } from '../ssh/sshEnvironment.js';
import type { SshEndpoint, SshTargetSpec } from '../ssh/sshEndpoint.js';
import { describeEndpoint, readSshConfigFile, resolveSshEndpoint } from '../ssh/sshEndpoint.js';
import { CommandNotStartedError, SshConnectionPool } from '../ssh/sshConnectionPool.js';
import type { RemoteExec } from '../ssh/remoteExec.js';
import { SshConnectError } from '../ssh/sshAuth.js';
import { buildKillCommand, buildRemoteCommand, buildRemoteStdin, isSudoPasswordPrompt, parsePidMarker } from '../ssh/remoteCommand.js';

/** As the local runner: a stopped command gets this long between TERM and KILL. */
const DEFAULT_KILL_GRACE_MS = 5000;

export interface SshRunnerOptions {
  ssh: SshTargetSpec;
  /** The account the commands run as; sudo -n -u to it when the login differs. */
  osUser: string;
  /** Where ~/.ssh and the agent are; the real ones by default. */
  env?: SshEnvironment;
  /** Share one pool between runners so each host gets one connection; without one the runner has its own. */
  pool?: SshConnectionPool;
  /** How long a cancelled or timed-out command gets between TERM and KILL. */
  killGraceMs?: number;
}

/** sudo -n would need a password (or refuses outright): nothing ran as the OS user. */
export class SudoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SudoError';
  }
}

/**
 * The runner for a node reached over SSH (its `ssh:` block and `osUser`), as
 * runnerForNode's ssh factory: `ssh: (node) => sshRunnerForNode(node, { pool })`.
 */
export function sshRunnerForNode(node: Pick<NodeConfig, 'ssh' | 'osUser'>, options: Omit<SshRunnerOptions, 'ssh' | 'osUser'> = {}): SshRunner {
  if (node.ssh === undefined) throw new Error('sshRunnerForNode: the node has no ssh settings; it runs locally');
  return createSshRunner({ ...options, ssh: node.ssh, osUser: node.osUser });
}

/** Resolves the host through ~/.ssh/config (read now) and returns a runner; nothing connects until the first command. */
export function createSshRunner(options: SshRunnerOptions): SshRunner {
  const env = options.env ?? defaultSshEnvironment();
  const endpoint = resolveSshEndpoint(options.ssh, env, readSshConfigFile(env));
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? new SshConnectionPool({ env });
  return new SshRunner(endpoint, options.osUser, pool, ownsPool, options);
}

export class SshRunner implements Runner {
  readonly where: string;
  readonly osUser: string;
  private readonly sudoTo: string | undefined;
  private closed = false;
  /** Cancels for the commands running now, for close(). */
  private readonly running = new Map<symbol, { cancel: () => void; done: Promise<unknown> }>();

  constructor(
    readonly endpoint: SshEndpoint,
    osUser: string,
    private readonly pool: SshConnectionPool,
    private readonly ownsPool: boolean,
    private readonly options: Pick<SshRunnerOptions, 'killGraceMs'> = {},
  ) {
    this.osUser = osUser;
    this.sudoTo = endpoint.user === osUser ? undefined : osUser;
    this.where = `ssh ${describeEndpoint(endpoint)}${this.sudoTo ? `, sudo to ${osUser}` : ''}`;
  }

  async run(spec: CommandSpec, options: RunOptions = {}): Promise<CommandResult> {
    if (this.closed) throw new Error(`${this.where}: the runner is closed`);
    const started = performance.now();
    const finish = (how: Partial<CommandResult> = {}): CommandResult => ({
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      ...how,
      durationMs: performance.now() - started,
    });
    if (options.signal?.aborted) return finish({ cancelled: true });
    const command = buildRemoteCommand({ program: spec.program, args: spec.args, env: spec.env, cwd: spec.cwd, sudoTo: this.sudoTo });

    // One signal for both ways a command is stopped: the caller's abort and the timeout.
    const stop = new AbortController();
    let reason: 'cancel' | 'timeout' | undefined;
    const onAbort = (): void => {
      reason ??= 'cancel';
      stop.abort();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      spec.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            reason ??= 'timeout';
            stop.abort();
          }, spec.timeoutMs);
    const key = Symbol(spec.program);
    const work = (async () => {
      let execution: RemoteExec;
      try {
        execution = await this.pool.exec(this.endpoint, command, { signal: stop.signal });
      } catch (error) {
        if (error instanceof CommandNotStartedError) return finish({ cancelled: reason === 'cancel', timedOut: reason === 'timeout' });
        throw error;
      }
      const outcome = await this.follow(execution, spec, stop.signal, options.onLine);
      const result = finish({ ...outcome.exit, cancelled: reason === 'cancel', timedOut: reason === 'timeout' });
      if (this.sudoTo !== undefined && result.exitCode === 1 && outcome.firstStderrLine !== undefined) {
        const refusal = this.sudoRefusal(outcome.firstStderrLine);
        if (refusal) throw refusal;
      }
      if (outcome.lineError !== undefined) throw outcome.lineError;
      return result;
    })();
    this.running.set(key, { cancel: onAbort, done: work });
    try {
      return await work;
    } finally {
      this.running.delete(key);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels whatever still runs, waits for it to end, then ends the runner's own connections; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.running.values()];
    for (const command of running) command.cancel();
    await Promise.allSettled(running.map((command) => command.done));
    if (this.ownsPool) await this.pool.close();
  }

  /** Streams the channel's output until it closes; on `stop`, kills the remote process group. */
  private follow(
    execution: RemoteExec,
    spec: CommandSpec,
    stop: AbortSignal,
    onLine: RunOptions['onLine'],
  ): Promise<{ exit: { exitCode: number | null; signal: string | null }; firstStderrLine: string | undefined; lineError: unknown }> {
    const { channel } = execution;
    return new Promise((resolve, reject) => {
      let processGroup: number | undefined;
      let firstStderrLine: string | undefined;
      let lineError: unknown;
      let stopping = false;
      const timers: NodeJS.Timeout[] = [];
      const emit = (stream: OutputLine['stream'], text: string): void => {
        if (!onLine) return;
        try {
          onLine({ at: Date.now(), stream, text });
        } catch (error) {
          lineError ??= error;
        }
      };
      const stdout = decodedLines((text) => emit('stdout', text));
      const stderr = decodedLines((text) => {
        if (processGroup === undefined) {
          // The wrapper's announcement; anything before it comes from the login shell's start-up files.
          const pid = parsePidMarker(text);
          if (pid !== null) {
            processGroup = pid;
            if (stopping) this.killGroup(channel, processGroup, timers);
            return;
          }
        } else {
          firstStderrLine ??= text;
        }
        emit('stderr', text);
      });
      execution.onOutput((stream, chunk) => (stream === 'stdout' ? stdout : stderr).push(chunk));
      // The environment, if any, then the command's own stdin, then end-of-file (the env wrapper reads its lines only).
      channel.end(buildRemoteStdin({ env: spec.env }) + (spec.stdin ?? ''));
      const onStop = (): void => {
        if (stopping) return;
        stopping = true;
        if (processGroup !== undefined) this.killGroup(channel, processGroup, timers);
        // Not announced yet: killGroup runs when it is; a channel that never announces is just closed.
        else timers.push(setTimeout(() => channel.close(), this.options.killGraceMs ?? 5000));
      };
      if (stop.aborted) onStop();
      else stop.addEventListener('abort', onStop, { once: true });
      void execution.closed.then(() => {
        stop.removeEventListener('abort', onStop);
        for (const timer of timers) clearTimeout(timer);
        stdout.end();
        stderr.end();
        const exit = execution.exit();
        if (exit === undefined && !stopping) {
          reject(new SshConnectError(`${this.where}: the connection broke while ${spec.program} was running; it may still be running there`));
          return;
        }
        resolve({ exit: exit ?? { exitCode: null, signal: null }, firstStderrLine, lineError });
      });
    });
  }

  /** TERM to the whole remote process group, KILL after the grace period, then give up on the channel. */
  private killGroup(channel: RemoteExec['channel'], processGroup: number, timers: NodeJS.Timeout[]): void {
    const grace = this.options.killGraceMs ?? 5000;
    void this.signalGroup(processGroup, 'TERM');
    timers.push(
      setTimeout(() => {
        void this.signalGroup(processGroup, 'KILL');
        timers.push(setTimeout(() => channel.close(), 1000));
      }, grace),
    );
  }

  /** `kill` on a second channel of the same connection; best effort, its failure leaves the next step to act. */
  private async signalGroup(processGroup: number, signal: 'TERM' | 'KILL'): Promise<void> {
    try {
      const kill = await this.pool.exec(this.endpoint, buildKillCommand(processGroup, signal, this.sudoTo), { urgent: true });
      kill.onOutput(() => {});
      kill.channel.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([kill.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      kill.channel.close();
    } catch {
      // The connection is gone: so is the session, and sshd has hung up on the command.
    }
  }

  private sudoRefusal(line: string): SudoError | undefined {
    const login = this.endpoint.user;
    const osUser = this.osUser;
    const fix =
      `Fix: let ${login} run commands as ${osUser} without a password, with a sudoers rule such as ` +
      `"${login} ALL=(${osUser}) NOPASSWD: ALL" in /etc/sudoers.d/pgcockpit (pgcockpit runs pg_ctl, pg_basebackup, ` +
      `psql and file tools as ${osUser}, through env), or log in as ${osUser} directly (ssh.user: ${osUser}).`;
    if (isSudoPasswordPrompt(line)) {
      return new SudoError(`${this.where}: sudo -n -u ${osUser} needs a password for ${login}, and pgcockpit never types one. ${fix}`);
    }
    if (/is not in the sudoers file|is not allowed to execute/.test(line)) {
      return new SudoError(`${this.where}: sudo refuses to let ${login} run commands as ${osUser}: ${line.trim()}. ${fix}`);
    }
    return undefined;
  }
}

/** Bytes in, lines out: UTF-8 kept whole across chunks, lines cut as the local runner cuts them. */
function decodedLines(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  const splitter = createLineSplitter(emit);
  return {
    push: (chunk) => splitter.push(decoder.write(chunk)),
    end: () => {
      splitter.push(decoder.end());
      splitter.end();
    },
  };
}

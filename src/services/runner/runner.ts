/**
 * The one way pgcockpit runs a program on a node's host, as the OS user that
 * owns the data: locally (execa) or over SSH (ssh2). Arguments are always a
 * vector; nothing is ever re-split by a shell on the way.
 */
export interface CommandSpec {
  /** Program name or absolute path, resolved on the target host. */
  program: string;
  args: readonly string[];
  /** Extra environment, e.g. PGPASSFILE. Passwords go here or in a passfile, never in args. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Killed (process tree, or the remote process) after this long. */
  timeoutMs?: number;
  /** Changes something on the host or in a database. Read-only mode refuses these. */
  mutating: boolean;
  /** What the program reads on stdin (a file's content to write there); absent: end-of-file at once. */
  stdin?: string;
}

export interface OutputLine {
  /** When the line arrived (ms since the epoch). */
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RunOptions {
  /** Aborting stops the command: its process tree locally, the remote process over SSH. */
  signal?: AbortSignal;
  /** Each line of output as it arrives, stdout and stderr in arrival order. */
  onLine?: (line: OutputLine) => void;
}

export interface CommandResult {
  /** Null when the process ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
}

export interface Runner {
  /** Where and as whom, for job headers and the audit journal: "local as postgres", "ssh admin@db2:22, sudo to postgres". */
  readonly where: string;
  /** The OS user the commands run as. */
  readonly osUser: string;
  run(spec: CommandSpec, options?: RunOptions): Promise<CommandResult>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

/** Thrown before anything runs when pgcockpit is in read-only mode and the command would change something. */
export class ReadOnlyError extends Error {
  constructor(spec: CommandSpec, where: string) {
    super(`read-only mode: refused to run ${spec.program} on ${where} (it would change something). Restart pgcockpit without --read-only to allow it.`);
    this.name = 'ReadOnlyError';
  }
}

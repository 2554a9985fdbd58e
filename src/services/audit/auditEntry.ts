import os from 'node:os';

/** Who sat at the keyboard: the OS user, who they were before sudo, and where their SSH session came from. */
export interface Operator {
  user: string;
  /** $SUDO_USER: the account that ran `sudo pgcockpit`. */
  sudoUser?: string;
  /** $SSH_CLIENT: "client-address client-port server-port" of the operator's own SSH session. */
  sshClient?: string;
}

export type CommandOutcome = 'succeeded' | 'failed' | 'cancelled' | 'timed out' | 'refused' | 'error';

/** One command pgcockpit ran (or refused to run), as the job layer reports it. Secrets already masked. */
export interface CommandRecord {
  title: string;
  node?: string;
  /** "local as postgres", "ssh admin@db2:22, sudo to postgres" */
  where: string;
  osUser: string;
  program: string;
  args: readonly string[];
  /** Names of the extra environment variables (values are never recorded). */
  envKeys: readonly string[];
  cwd?: string;
  mutating: boolean;
  /** ms since the epoch */
  startedAt: number;
  endedAt: number;
  outcome: CommandOutcome;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why it did not run or could not finish. */
  error?: string;
}

/** A step of a plan as the runbook describes it: a sentence, or an object (title, command, sql, ...). */
export type AuditStep = string | { readonly [key: string]: unknown };

interface EntryBase {
  /** ISO 8601, UTC: when the entry was written. */
  at: string;
  operator: Operator;
}

export interface PlanEntry extends EntryBase {
  kind: 'plan';
  title: string;
  node?: string;
  steps: AuditStep[];
}

export interface CommandEntry extends EntryBase, Omit<CommandRecord, 'startedAt' | 'endedAt' | 'args' | 'envKeys'> {
  kind: 'command';
  startedAt: string;
  endedAt: string;
  args: string[];
  envKeys: string[];
}

export type AuditEntry = PlanEntry | CommandEntry;

export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
  const operator: Operator = { user: os.userInfo().username };
  if (env.SUDO_USER) operator.sudoUser = env.SUDO_USER;
  if (env.SSH_CLIENT) operator.sshClient = env.SSH_CLIENT;
  return operator;
}

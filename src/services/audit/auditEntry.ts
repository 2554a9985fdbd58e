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

/** A plan's step as it ran: one entry when it starts (with its exact SQL or commands), one when it ends. */
export interface StepEntry extends EntryBase {
  kind: 'step';
  /** The plan's title: "switchover: make pg2 the primary, pg1 a standby of it". */
  plan: string;
  step: number;
  total: number;
  node: string;
  description: string;
  phase: 'started' | 'succeeded' | 'failed' | 'cancelled';
  /** An undo step run after a cancel: step/total count the undo steps; this is the plan step it reverses. */
  undoOf?: number;
  /** started: the step's SQL and commands, one a line, as the plan showed them. */
  detail?: string;
  /** succeeded: what it reported. */
  result?: string;
  /** failed: why. */
  error?: string;
  durationMs?: number;
}

/** A statement a step sent that changes something (read-only polls are not recorded: a wait loop sends thousands), or one that failed. */
export interface StatementEntry extends EntryBase {
  kind: 'sql';
  plan: string;
  step: number;
  /** A statement of an undo step (after a cancel): step counts the undo steps; this is the plan step it reverses. */
  undoOf?: number;
  node: string;
  sql: string;
  outcome: 'succeeded' | 'failed';
  error?: string;
  durationMs: number;
}

export type PlanOutcomeWord = 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

/** How a plan that ran ended: every step done, failed at step N, or interrupted (a signal) after step N. */
export interface OutcomeEntry extends EntryBase {
  kind: 'outcome';
  plan: string;
  node?: string;
  outcome: PlanOutcomeWord;
  total: number;
  completedSteps: number;
  /** failed: the step that failed; interrupted: the last step that finished (0: none). */
  step?: number;
  error?: string;
  /** interrupted: the signal that asked for the stop (SIGINT, SIGTERM). */
  signal?: string;
  /** The state the cluster was left in and the command that completes or reverses it. */
  advice?: string;
  /** cancelled: the plan steps whose undo ran ("step 2 (copy the data)"), last done first. */
  undone?: string[];
  elapsedMs: number;
}

export type AuditEntry = PlanEntry | CommandEntry | StepEntry | StatementEntry | OutcomeEntry;

/** What an entry holds before the journal stamps it with the time and the operator. */
export type AuditEntryInput<E extends AuditEntry> = Omit<E, 'at' | 'operator' | 'kind'>;

export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
  const operator: Operator = { user: os.userInfo().username };
  if (env.SUDO_USER) operator.sudoUser = env.SUDO_USER;
  if (env.SSH_CLIENT) operator.sshClient = env.SSH_CLIENT;
  return operator;
}

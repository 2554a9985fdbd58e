import type { CockpitConfig } from '../config/schema.js';
import type { ProgressReport } from '../runner/jobRecord.js';
import type { CommandSpec, Runner } from '../runner/runner.js';

/**
 * A runbook's plan: what was checked (with what was observed), then the
 * ordered steps with the exact SQL or command each runs. The TUI shows it and
 * asks for the confirm word; the CLI prints it (--dry-run) or runs it (--yes).
 */
export interface Plan {
  /** "failover: promote pg2 to primary" */
  title: string;
  /** The node the runbook is about. */
  target: string;
  checks: PreflightCheck[];
  steps: PlanStep[];
  /** A check failed: the plan must not run (see blockedReasons). */
  blocked: boolean;
  /** The failed checks, one sentence each. */
  blockedReasons: string[];
  /** What the operator types to confirm (the target's name). */
  confirmWord: string;
  /** The confirmation must be typed on a terminal even with --yes (a failover beside a live primary: "two primaries"). */
  mustType?: boolean;
  /** Things the operator must know before confirming (an unreachable old primary that may be alive elsewhere, ...). */
  warnings: string[];
  /**
   * Nodes (a failover's old primary) whose server still runs on its host but
   * does not answer here: the planner offers to stop them first (the modal's
   * Ctrl-F, the CLI's --fence). Absent or empty: no offer.
   */
  fenceOffer?: readonly string[];
  /** Refused only because WAL replay is paused on the target: the planner offers to resume it first (Ctrl-R, --resume-replay). */
  resumeReplayOffer?: boolean;
  /** Refused because another primary is up and writable (the split-brain guard): a switchover is the way, and the modal offers it. */
  offersSwitchover?: boolean;
  /**
   * A step that fails has the undo of what was done run (its own first: it
   * may have done part of its work), as a cancel has: a rebuild puts the old
   * data directory back and starts it. Default: a failure stops the plan
   * where it is and says what is left (a failover half done is not undone).
   */
  undoOnFailure?: boolean;
  /**
   * The one command that plans and runs it again ("pgcockpit rebuild pg1 --from
   * pg2 --yes"): said after a cancel whose undo ran. Absent: "plan it again".
   */
  retryCommand?: string;
}

/**
 * What a finished plan changed that the cockpit keeps beyond its log: typed
 * data the steps report (StepContext.reportOutcome), read by the store.
 */
export interface PlanResult {
  /** Nodes left on a timeline the cluster forked from (a failover's old primary): rebuilt before they replicate again. */
  needsRebuild: string[];
  /** Nodes that replicate from the current primary again (a rebuild's target): no longer in need of a rebuild. */
  rebuilt: string[];
}

export type CheckStatus = 'ok' | 'fail' | 'warn';

export interface PreflightCheck {
  /** What is checked: "pg2 is a reachable standby". */
  label: string;
  status: CheckStatus;
  /** What was seen: "standby, timeline 1, PostgreSQL 15.8". */
  observed: string;
  /** How to fix a failure or what a warning means for the operator. */
  fix?: string;
}

export interface PlanStep {
  /** The node the step acts on. */
  node: string;
  /** "promote pg2". */
  description: string;
  /** The exact SQL or argv, one statement or command a line. */
  detail: string;
  /** Changes something: refused in read-only mode before the plan starts. */
  mutating: boolean;
  /** Runs the step; the returned text (if any) is logged as its result. */
  run(ctx: StepContext): Promise<string | void>;
  /**
   * When the plan stops right after this step (a Ctrl-C, SIGTERM, or the
   * next step failing): the state the cluster is left in and the exact
   * command that completes or reverses the operation. Called at that moment,
   * so it may use what the steps learnt (the new timeline). Absent: the
   * remaining steps are listed as what is left to do.
   */
  ifStoppedAfter?: () => string;
  /** How long the step may take at most, for "finishing step 2/10, up to 5 min 30 s" when a second Ctrl-C comes. */
  mayTakeMs?: number;
  /**
   * May be stopped half-way (executePlan's `cancel`): its running commands are
   * killed (process tree, or the remote process group over ssh) and the undo
   * of what was done runs. Default false: a pg_ctl stop or a promotion cut off
   * half-way leaves a state nobody can describe, so such a step finishes and
   * the plan stops after it.
   */
  cancellable?: boolean;
  /**
   * The steps that reverse this one, run (in this order) when the plan is
   * cancelled after or during it, so they must cope with a step that did only
   * part of its work (`rm -rf` a partial copy, `drop database if exists`).
   * A function is called at that moment, so it may use what the steps learnt,
   * and is told why (a cancel, or a failed step of a plan that undoes on
   * failure: what failed may be worth reading afterwards).
   * Never delete what a person may want back: move it aside.
   */
  undo?: readonly PlanStep[] | ((why: UndoReason) => readonly PlanStep[]);
}

/** What a step may use while it runs; built by executePlan. */
/** Why an undo runs: the DBA cancelled, or a step failed in a plan that undoes on failure (Plan.undoOnFailure). */
export type UndoReason = 'cancel' | 'failure';

export interface StepContext {
  config: CockpitConfig;
  /** One line into the log (the step prefix is added). */
  log(text: string): void;
  /** A statement on a node over its session (one per node for the whole plan); mutating statements are refused in read-only mode. */
  sql<Row extends Record<string, unknown> = Record<string, unknown>>(
    node: string,
    text: string,
    options: { mutating: boolean; params?: unknown[] },
  ): Promise<Row[]>;
  /** Forgets a node's session after its server restarted; the next statement reconnects. */
  resetSession(node: string): Promise<void>;
  /** A program on a node's host through its Runner (read-only runners refuse mutating ones); resolves with its stdout. */
  command(node: string, spec: CommandSpec, options?: CommandLogOptions): Promise<string>;
  /** Adds to the plan's typed outcome (a node now needing a rebuild, one rebuilt); executePlan hands the sum to its caller. */
  reportOutcome(result: Partial<PlanResult>): void;
  signal?: AbortSignal;
}

export interface CommandLogOptions {
  /** false: stdout is returned but not logged (pg_controldata's is long and holds the mock authentication nonce). */
  logStdout?: boolean;
  /**
   * Reads the command's progress off an output line (src/services/runner/progress/:
   * pg_basebackup --progress, pg_dump/pg_restore --verbose, the server log
   * during WAL replay): 0..1 or a report with the amounts, or null for a line
   * that says nothing about it. It feeds the job's record, hence the job bar.
   */
  parseProgress?: (line: string) => number | ProgressReport | null;
}

/** Runners for nodes' hosts, as createNodeRunners gives them. */
export interface RunnerSource {
  forNode(name: string): Runner;
}

/** A blocked plan's failed checks as sentences. */
export function failedChecks(checks: readonly PreflightCheck[]): string[] {
  return checks
    .filter((check) => check.status === 'fail')
    .map((check) => `${check.label}: ${check.observed}${check.fix ? ` (${check.fix})` : ''}`);
}

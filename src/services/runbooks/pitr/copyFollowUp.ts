import path from 'node:path';
import type { CockpitConfig } from '../../config/schema.js';
import { nodePassword } from '../../postgres/nodePassword.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { runCollected } from '../../runner/runChecked.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { SshEnvironment } from '../../ssh/sshEnvironment.js';
import type { Plan, PlanStep, PreflightCheck, StepContext } from '../plan.js';
import { failedChecks } from '../plan.js';
import type { RecoveredCopy } from './recoveredCopy.js';
import { promoteWorksPaused } from './recoveredCopy.js';

/**
 * A PITR copy paused at its target, resumed or promoted: the two ways out of
 * an end-of-recovery pause, and both end recovery for good (the server logs
 * "archive recovery complete", picks a new timeline and opens writable).
 * pg_wal_replay_resume() does it on every version: at a pause at the
 * recovery target it does not go on replaying, it ends recovery.
 * pg_promote() (or pg_ctl promote) does it from PostgreSQL 13 on, which
 * checks for a promotion while paused; 12's startup process sleeps in its
 * pause loop without looking, so pg_promote() waits its 60 s and returns
 * false (tried on 12.22: "server did not promote within 60 seconds"). On 12
 * the promote plan therefore resumes, and says so.
 *
 * Every statement goes through psql on the copy's host over TCP with
 * production's login, its password in PGPASSWORD (never argv), as the
 * copy-back does: the copy is not a node of the config.
 */
export type CopyFollowUpAction = 'resume' | 'promote';

/** What the server on the copy's port says about itself. */
export interface CopyState {
  dataDirectory: string;
  port: number;
  inRecovery: boolean;
  /** pg_get_wal_replay_pause_state() on 14+ ("paused"), else pg_is_wal_replay_paused() as paused / not paused; absent out of recovery. */
  pauseState?: string;
  /** Out of recovery: the timeline it writes (from its current WAL file's name). */
  timeline?: number;
  /** transaction_read_only: on in recovery, off once writable. */
  readOnly: boolean;
}

export interface CopyFollowUpPlan extends Plan {
  copy: RecoveredCopy;
  followUp: CopyFollowUpAction;
  /** The copy was found not paused, or not answering: the offer is stale (resumed by hand, stopped). */
  copyGone?: boolean;
  /** What the server on the copy's port said when planned (absent: it did not answer): whether the copy is still up once the offer is stale. */
  seen?: CopyState;
  /** The state read after recovery ended (the last step). */
  ended?: CopyState;
}

/** One row, fields by |: what the server is (its data directory and port), whether it is in recovery and paused, and, out of recovery, its timeline. */
export function copyStateSql(major: number): string {
  const pause = major >= 14 ? 'pg_get_wal_replay_pause_state()' : "case when pg_is_wal_replay_paused() then 'paused' else 'not paused' end";
  return [
    "select current_setting('data_directory'), current_setting('port'), pg_is_in_recovery(),",
    `case when pg_is_in_recovery() then ${pause} end,`,
    // pg_walfile_name() refuses to run in recovery: only asked once out of it. Its first 8 hex digits are the timeline.
    "case when not pg_is_in_recovery() then ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end,",
    "current_setting('transaction_read_only')",
  ].join(' ');
}

/** Reads copyStateSql's row (psql -A -t); undefined when it is not one. */
export function readCopyState(output: string): CopyState | undefined {
  const line = output.trim().split('\n').at(-1) ?? '';
  const fields = line.split('|');
  if (fields.length !== 6) return undefined;
  const [dataDirectory, port, inRecovery, pauseState, timeline, readOnly] = fields as [string, string, string, string, string, string];
  return {
    dataDirectory,
    port: Number(port),
    inRecovery: inRecovery === 't',
    ...(pauseState !== '' ? { pauseState } : {}),
    ...(timeline !== '' ? { timeline: Number(timeline) } : {}),
    readOnly: readOnly === 'on',
  };
}

/** The state in words, as the plan's check and the last step say it. */
export function copyStateText(state: CopyState): string {
  if (state.inRecovery) return `in recovery, replay ${state.pauseState ?? '?'}, read-only (${state.dataDirectory}, port ${state.port})`;
  return `${state.readOnly ? 'read-only' : 'read-write'}, out of recovery, timeline ${state.timeline ?? '?'} (${state.dataDirectory}, port ${state.port})`;
}

/** Why the server on the copy's port is not the copy (another data directory or port); undefined: it is. */
export function notTheCopy(copy: RecoveredCopy, state: CopyState): string | undefined {
  if (path.posix.normalize(state.dataDirectory) !== path.posix.normalize(copy.dest) || state.port !== copy.port) {
    return `the server on ${copy.address}:${copy.port} runs on ${state.dataDirectory}, port ${state.port}: not the copy in ${copy.dest}`;
  }
  return undefined;
}

/** Why the server on the copy's port may not be resumed or promoted; undefined: it is the copy, paused. */
export function notPausedCopy(copy: RecoveredCopy, state: CopyState): string | undefined {
  const other = notTheCopy(copy, state);
  if (other) return other;
  if (!state.inRecovery) return `the copy is out of recovery already (${copyStateText(state)}): resumed or promoted since; nothing left to do`;
  if (state.pauseState !== 'paused') return `the copy's replay is ${state.pauseState ?? 'in an unknown state'}, not paused at the target: it is still replaying, or a pause was asked and not reached`;
  return undefined;
}

/** psql on the copy's host, to the copy's port, as production's login; env holds PGPASSWORD. */
export function copyPsql(copy: RecoveredCopy, sql: readonly string[], env: Record<string, string>, options: { mutating: boolean; timeoutMs?: number }): CommandSpec {
  return {
    program: copy.psql,
    args: ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', copy.address, '-p', String(copy.port), '-U', copy.user, '-d', copy.database, ...sql.flatMap((statement) => ['-c', statement])],
    env: { ...env, LC_MESSAGES: 'C' },
    mutating: options.mutating,
    timeoutMs: options.timeoutMs ?? 60_000,
  };
}

/** The copy has production's roles and passwords: the login's password, looked up for production's address. */
export async function copyPassword(config: CockpitConfig, copy: RecoveredCopy): Promise<Record<string, string>> {
  const node = config.nodes.find((candidate) => candidate.name === copy.loginNode);
  if (!node) return {};
  const found = await nodePassword(node, config.passfile);
  return found.found ? { PGPASSWORD: found.password } : {};
}

/** The SQL that ends recovery: resume everywhere; promote where a paused server hears it (13+), else resume. */
export function endRecoverySql(copy: RecoveredCopy, action: CopyFollowUpAction): string {
  return action === 'promote' && promoteWorksPaused(copy.major) ? 'select pg_promote(true, 60)' : 'select pg_wal_replay_resume()';
}

/** How long the last step waits for the server to leave recovery (the end-of-recovery checkpoint is a fast one since 9.3's fast promotion; the DO loop polls). */
const LEAVE_RECOVERY_SECONDS = 120;

const waitOutOfRecoverySql = `do $$ begin for i in 1..${LEAVE_RECOVERY_SECONDS * 10} loop exit when not pg_is_in_recovery(); perform pg_sleep(0.1); end loop; end $$`;

/** Step 1: the server on the port is the copy and paused, read again just before (the plan may have waited on screen). */
function checkStep(copy: RecoveredCopy): PlanStep {
  const sql = copyStateSql(copy.major);
  return {
    node: copy.host,
    description: `check that the server on port ${copy.port} is the copy in ${copy.dest}, paused at the target`,
    detail: `${sql}  -- must say ${copy.dest}, ${copy.port}, in recovery, paused`,
    mutating: false,
    async run(ctx) {
      const output = await ctx.command(copy.host, copyPsql(copy, [sql], await copyPassword(ctx.config, copy), { mutating: false }));
      const state = readCopyState(output);
      if (!state) throw new Error(`could not read the copy's state: ${output.trim() || '(no output)'}`);
      const why = notPausedCopy(copy, state);
      if (why) throw new Error(`${why}; nothing was changed`);
      return copyStateText(state);
    },
  };
}

/** Step 2: the statement that ends recovery. Not cancellable: a promotion cut off half-way leaves a state nobody can describe. */
function endStep(copy: RecoveredCopy, action: CopyFollowUpAction): PlanStep {
  const sql = endRecoverySql(copy, action);
  const promote = sql.includes('pg_promote');
  return {
    node: copy.host,
    description: promote ? `promote the copy: recovery ends, it opens writable on a new timeline` : `resume the copy's replay: paused at the target, recovery ends and it opens writable on a new timeline`,
    detail: sql,
    mutating: true,
    async run(ctx) {
      const said = (await ctx.command(copy.host, copyPsql(copy, [sql], await copyPassword(ctx.config, copy), { mutating: true, timeoutMs: 90_000 }))).trim();
      // pg_promote(true, 60) says whether the promotion was done within 60 s.
      if (promote && said.split('\n').at(-1) !== 't') throw new Error(`pg_promote() returned ${said || 'nothing'}: the copy did not promote within 60 s; its server log says why`);
      return promote ? 'promotion requested and done (pg_promote returned true)' : 'replay resumed: recovery ends';
    },
    ifStoppedAfter: () => `recovery of the copy on port ${copy.port} was ended; it leaves recovery by itself (select pg_is_in_recovery() on it says when)`,
  };
}

/** Step 3: waits until the copy is out of recovery, then reads what it is: read-write, its timeline. */
function stateStep(copy: RecoveredCopy, action: CopyFollowUpAction, onEnded: (state: CopyState) => void): PlanStep {
  const sql = copyStateSql(copy.major);
  return {
    node: copy.host,
    description: `wait until the copy leaves recovery, then read its state (read-write, timeline)`,
    detail: `${waitOutOfRecoverySql}\n${sql}`,
    mutating: false,
    async run(ctx: StepContext) {
      const output = await ctx.command(copy.host, copyPsql(copy, [waitOutOfRecoverySql, sql], await copyPassword(ctx.config, copy), { mutating: false, timeoutMs: (LEAVE_RECOVERY_SECONDS + 30) * 1000 }));
      const state = readCopyState(output);
      if (!state) throw new Error(`could not read the copy's state: ${output.trim() || '(no output)'}`);
      onEnded(state);
      if (state.inRecovery) throw new Error(`the copy is still in recovery after ${LEAVE_RECOVERY_SECONDS} s (${copyStateText(state)}); its server log says why`);
      return `the copy is ${copyStateText(state)}: ${endRecoverySql(copy, action).includes('pg_promote') ? 'promoted' : 'resumed, recovery ended'}; production was not touched`;
    },
  };
}

/**
 * The plan: the check as the modal shows it (what the server on the port
 * said when planned), then check again, end recovery, read the state.
 * Refused when the server there is not the copy, or not paused.
 */
export function planCopyFollowUp(copy: RecoveredCopy, action: CopyFollowUpAction, seen: { state?: CopyState; problem?: string }): CopyFollowUpPlan {
  const label = `the server on port ${copy.port} is the copy in ${copy.dest}, paused at the target`;
  const why = seen.state ? notPausedCopy(copy, seen.state) : (seen.problem ?? 'its state was not read');
  const check: PreflightCheck = why
    ? { label, status: 'fail', observed: why, fix: seen.state ? 'nothing to do on it from here' : `is it running? ${copy.pgCtl} -D ${copy.dest} status, on ${copy.host}` }
    : { label, status: 'ok', observed: copyStateText(seen.state!) };
  const checks = [check];
  const promote = action === 'promote';
  const warnings = [
    `this ends the copy's recovery for good: it cannot be moved on to a later target afterwards (plan the PITR again for that); production is not touched`,
    ...(promote && !promoteWorksPaused(copy.major) ? [`PostgreSQL ${copy.major} does not promote a server paused at its target (pg_promote waits for a resume): the plan resumes it, which ends recovery the same way`] : []),
  ];
  const blockedReasons = failedChecks(checks);
  const plan: CopyFollowUpPlan = {
    title: `pitr: ${promote ? 'promote' : 'resume'} the copy paused at the target (${copy.backupId}, port ${copy.port})`,
    target: copy.host,
    checks,
    steps: [],
    blocked: blockedReasons.length > 0,
    blockedReasons,
    confirmWord: String(copy.port),
    warnings,
    copy,
    followUp: action,
    ...(why ? { copyGone: true } : {}),
    ...(seen.state ? { seen: seen.state } : {}),
  };
  if (!plan.blocked) {
    plan.steps = [
      checkStep(copy),
      endStep(copy, action),
      stateStep(copy, action, (state) => {
        plan.ended = state;
      }),
    ];
  }
  return plan;
}

/** Whether a plan is a copy's resume or promotion (the operations glue asks, to drop the offer once done). */
export function isCopyFollowUp(plan: Plan): plan is CopyFollowUpPlan {
  return 'followUp' in plan && 'copy' in plan;
}

/**
 * One look at the copy, changing nothing: `sql` through psql on its host's
 * runner, as production's login, and `read` on what it printed. A copy that
 * does not answer, or an answer `read` cannot take, is the problem, in
 * psql's own last words ("psql to 127.0.0.1:5499 on pg1: connection refused").
 */
export async function lookAtCopy<T>(
  config: CockpitConfig,
  copy: RecoveredCopy,
  sql: readonly string[],
  read: (stdout: string) => T | undefined,
  options: { readOnly: boolean; sshEnvironment?: SshEnvironment; showDatabase?: boolean },
): Promise<{ value: T } | { problem: string }> {
  const runners = createNodeRunners(config, { readOnly: options.readOnly, ...(options.sshEnvironment ? { sshEnvironment: options.sshEnvironment } : {}) });
  try {
    const run = await runCollected(runners.forNode(copy.host), copyPsql(copy, sql, await copyPassword(config, copy), { mutating: false, timeoutMs: 30_000 }));
    const value = run.result.exitCode === 0 ? read(run.stdout) : undefined;
    if (value !== undefined) return { value };
    const said = (run.stderr || run.stdout).trim().split('\n').at(-1) || `exit ${run.result.exitCode}`;
    return { problem: `psql to ${copy.address}:${copy.port}${options.showDatabase ? ` (${copy.database})` : ''} on ${copy.host}: ${said}` };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    await runners.close().catch(() => undefined);
  }
}

/** Reads the copy's state once through its host's runner (nothing changed), then plans. */
export async function prepareCopyFollowUp(
  config: CockpitConfig,
  copy: RecoveredCopy,
  action: CopyFollowUpAction,
  options: { readOnly: boolean; sshEnvironment?: SshEnvironment },
): Promise<CopyFollowUpPlan> {
  const looked = await lookAtCopy(config, copy, [copyStateSql(copy.major)], readCopyState, options);
  return planCopyFollowUp(copy, action, 'value' in looked ? { state: looked.value } : looked);
}

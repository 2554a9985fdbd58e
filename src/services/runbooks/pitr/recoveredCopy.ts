import path from 'node:path';
import { JUMP_HOST } from '../../runner/nodeRunners.js';
import type { Plan } from '../plan.js';
import type { PitrPlan } from './pitrTypes.js';

/**
 * Where a recovered copy lives and how to reach it: not a node of the config
 * but a data directory on a host (its runner name), a port, pg_ctl there, and
 * production's login (the copy has production's roles and passwords). The
 * PITR's plan says it; once recovery ended paused at the target, the cockpit
 * offers to resume or promote it from this alone.
 */
export interface RecoveredCopy {
  /** The runner name of its host: a node's name, or "jump host". */
  host: string;
  /** The address and port psql reaches it on, from its host. */
  address: string;
  port: number;
  dest: string;
  pgCtl: string;
  psql: string;
  /** The configured node whose login (user, passfile) reaches the copy: the backup's. */
  loginNode: string;
  user: string;
  /** The login's database (the configured node's: it exists in the copy as in production). */
  database: string;
  /** The backup's major version: PostgreSQL 12 does not promote a server paused at its target (see copyFollowUp). */
  major: number;
  backupId: string;
  /**
   * As the cockpit last saw it: paused at its target (undefined or true:
   * Ctrl-R, Ctrl-P and Ctrl-T offered), or false once its recovery ended
   * (promoted, resumed): only the copy-back (Ctrl-T) is offered then.
   */
  paused?: boolean;
}

/** The copy a finished side-by-side PITR left up, paused or promoted (its tables can be copied back from it); undefined when it was shut down or the plan is another runbook's. */
export function recoveredCopyOf(plan: Plan): RecoveredCopy | undefined {
  const pitr = plan as Partial<PitrPlan>;
  const state = pitr.end?.state;
  return pitr.copy && (state === 'paused' || state === 'promoted') ? { ...pitr.copy, paused: state === 'paused' } : undefined;
}

/** One of the copy's host's PostgreSQL programs (pg_dump, pg_restore): beside its psql, the backup's major version. */
export function copyTool(copy: Pick<RecoveredCopy, 'psql'>, tool: string): string {
  return copy.psql.includes('/') ? path.posix.join(path.posix.dirname(copy.psql), tool) : tool;
}

/** At an end-of-recovery pause both end recovery; pg_promote() reaches a paused server only from PostgreSQL 13 on. */
export function promoteWorksPaused(major: number): boolean {
  return !(major <= 12);
}

/**
 * The shell commands that end a paused copy's recovery, for the CLI's result
 * line: psql's pg_wal_replay_resume() (every version), or pg_ctl promote as
 * the copy's OS user on its host (13+; 12 waits for a resume that never comes).
 */
export function pausedCopyCommands(copy: RecoveredCopy): string {
  const psql = `${copy.psql} -h ${copy.address} -p ${copy.port} -U ${copy.user} -d ${copy.database} -c 'select pg_wal_replay_resume()'`;
  const where = copy.host === JUMP_HOST ? 'here' : `on ${copy.host}`;
  if (!promoteWorksPaused(copy.major)) return `end recovery (a writable copy on a new timeline): ${psql} (PostgreSQL 12 does not promote a paused server: pg_ctl promote waits for that resume)`;
  return `end recovery (a writable copy on a new timeline): ${psql}, or as its OS user ${where}: ${copy.pgCtl} -D ${copy.dest} promote`;
}

/** The shell's copy-back from the copy (the cockpit's Ctrl-T, without its checks): the table dumped and restored in one transaction into the primary. */
export function copyBackPipe(copy: RecoveredCopy): string {
  return `${copyTool(copy, 'pg_dump')} -Fc -h ${copy.address} -p ${copy.port} -U ${copy.user} -d ${copy.database} -t SCHEMA.TABLE | ${copyTool(copy, 'pg_restore')} --single-transaction --no-owner -h PRIMARY -U ${copy.user} -d ${copy.database}`;
}

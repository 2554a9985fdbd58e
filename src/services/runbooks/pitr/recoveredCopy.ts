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
}

/** The copy a finished PITR plan left paused at its target; undefined when it ended otherwise (or the plan is another runbook's). */
export function pausedCopyOf(plan: Plan): RecoveredCopy | undefined {
  const pitr = plan as Partial<PitrPlan>;
  return pitr.end?.state === 'paused' ? pitr.copy : undefined;
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

import path from 'node:path';
import type { CockpitConfig } from '../../config/schema.js';
import type { SshEnvironment } from '../../ssh/sshEnvironment.js';
import { sqlLiteral } from '../failover/repointStandby.js';
import type { Plan, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { copyBackSteps, qualifiedName } from './copyBackSteps.js';
import type { CopyState } from './copyFollowUp.js';
import { copyStateSql, copyStateText, lookAtCopy, notTheCopy, readCopyState } from './copyFollowUp.js';
import { copyBackChecks } from './pitrChecks.js';
import type { CopyBackFacts } from './pitrTypes.js';
import { readCopyBack } from './preparePitr.js';
import type { RecoveredCopy } from './recoveredCopy.js';
import { copyTool } from './recoveredCopy.js';

/**
 * The copy-back offered after the recovery (Ctrl-T on a recovered copy,
 * paused or promoted): the DBA has looked at the copy and names the table to
 * bring back. The same steps as --copy-back (copyBackSteps: pg_dump -Fc -t
 * from the copy, the table's absence read again on the primary, pg_restore
 * --single-transaction; nothing is ever dropped) and the same production
 * checks (copyBackChecks on readCopyBack's facts), after two of its own:
 * the server on the port is the copy, and the table is on it.
 */
export interface CopyBackRequest {
  /** schema.table or table, as typed (its case kept). */
  table: string;
  /** The database it is in, on the copy as in production. */
  database: string;
}

/** What one look said: the server on the copy's port, the table on it, production's primary. */
export interface CopyBackFollowUpFacts {
  copyState?: CopyState;
  tableOnCopy?: boolean;
  /** Why the copy could not be read (not answering, no such database). */
  copyProblem?: string;
  production: CopyBackFacts;
}

export interface CopyBackFollowUpPlan extends Plan {
  copy: RecoveredCopy;
  copyBackTable: string;
  /** The server on the port did not answer, or is not the copy: the offer is stale. */
  copyGone?: boolean;
}

/** The SQL read on the copy: its state (copyStateSql), then whether the table is there. */
export function copyBackLookSql(copy: RecoveredCopy, table: string): string[] {
  return [copyStateSql(copy.major), `select to_regclass(${sqlLiteral(qualifiedName(table))}) is not null`];
}

export function planCopyBackFollowUp(config: CockpitConfig, copy: RecoveredCopy, request: CopyBackRequest, facts: CopyBackFollowUpFacts): CopyBackFollowUpPlan {
  const table = request.table.trim();
  const database = request.database.trim();
  const state = facts.copyState;
  const label = `the server on port ${copy.port} is the copy in ${copy.dest}`;
  const other = state ? notTheCopy(copy, state) : (facts.copyProblem ?? 'its state was not read');
  const checks: PreflightCheck[] = [
    other
      ? { label, status: 'fail', observed: other, ...(state ? {} : { fix: `is it running? ${copy.pgCtl} -D ${copy.dest} status, on ${copy.host}` }) }
      : { label, status: 'ok', observed: copyStateText(state!) },
  ];
  if (!other) {
    checks.push({
      label: `${table} is in ${database} on the copy`,
      status: facts.tableOnCopy ? 'ok' : 'fail',
      observed: facts.tableOnCopy ? 'present, as at the target' : 'not there: not at the target either (check the name and database: \\dt on the copy)',
    });
  }
  checks.push(...copyBackChecks({ copyBack: table, database }, 'promote', facts.production));
  const login = config.nodes.find((node) => node.name === copy.loginNode);
  const primary = config.nodes.find((node) => node.name === facts.production.primary);
  if (!login) checks.push({ label: `the copy's login (${copy.loginNode}'s) is configured`, status: 'fail', observed: `no node ${copy.loginNode} in the config` });
  const pausedHere = state?.inRecovery === true && state.pauseState === 'paused';
  const warnings = [
    `the table comes back as it was at the target (rows written after the target are not in it); nothing in production is dropped or replaced`,
    // Paused right before a DROP TABLE's commit, the startup process holds the table's AccessExclusiveLock until recovery ends (copyBackSteps' first step checks).
    ...(pausedHere ? [`the copy is paused at its target: if the target is right before the DROP's commit, the copy holds the table's lock and the dump step stops with that; promote it first (Ctrl-P), then Ctrl-T again`] : []),
  ];
  const blockedReasons = failedChecks(checks);
  const plan: CopyBackFollowUpPlan = {
    title: `pitr: copy ${table} back from the copy of ${copy.backupId} (port ${copy.port}) into ${primary?.name ?? 'the primary'}`,
    target: primary?.name ?? copy.host,
    checks,
    steps: [],
    blocked: blockedReasons.length > 0,
    blockedReasons,
    confirmWord: table,
    warnings,
    copy,
    copyBackTable: table,
    ...(other ? { copyGone: true } : {}),
  };
  if (!plan.blocked && login && primary) {
    plan.steps = copyBackSteps({
      host: copy.host,
      address: copy.address,
      port: copy.port,
      login,
      primary,
      database,
      table,
      dumpFile: path.posix.join(copy.dest, `pgcockpit-copy-back-${table.replace(/[^A-Za-z0-9_.-]/g, '_')}.dump`),
      pgDump: copyTool(copy, 'pg_dump'),
      pgRestore: copyTool(copy, 'pg_restore'),
      psql: copy.psql,
    });
  }
  return plan;
}

/** Whether a plan is a copy-back from a recovered copy (the glue asks, to drop a stale offer). */
export function isCopyBackFollowUp(plan: Plan): plan is CopyBackFollowUpPlan {
  return 'copyBackTable' in plan && 'copy' in plan;
}

/** One look, changing nothing: the copy (through its host's runner, as production's login) and production's primary; then the plan. */
export async function prepareCopyBackFollowUp(
  config: CockpitConfig,
  copy: RecoveredCopy,
  request: CopyBackRequest,
  options: { readOnly: boolean; sshEnvironment?: SshEnvironment },
): Promise<CopyBackFollowUpPlan> {
  const table = request.table.trim();
  const database = request.database.trim();
  // Two rows: the copy's state (copyStateSql), then whether the table is there.
  const readLook = (stdout: string) => {
    const lines = stdout.trim().split('\n');
    const copyState = lines.length === 2 ? readCopyState(lines[0]!) : undefined;
    return copyState ? { copyState, tableOnCopy: lines[1] === 't' } : undefined;
  };
  const readCopy = async (): Promise<Omit<CopyBackFollowUpFacts, 'production'>> => {
    const looked = await lookAtCopy(config, { ...copy, database }, copyBackLookSql(copy, table), readLook, { ...options, showDatabase: true });
    return 'value' in looked ? looked.value : { copyProblem: looked.problem };
  };
  const [seen, production] = await Promise.all([readCopy(), readCopyBack(config, { copyBack: table, database })]);
  return planCopyBackFollowUp(config, copy, { table, database }, { ...seen, production });
}

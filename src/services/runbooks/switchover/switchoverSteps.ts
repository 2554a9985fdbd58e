import type { NodeConfig } from '../../config/schema.js';
import { parseLsn } from '../../postgres/lsn.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { confString } from '../../postgres/confValue.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep } from '../plan.js';
import { commandLine } from '../../os/shellQuote.js';
import { controlDataCommand, serviceCommand } from '../serviceControl.js';
import { sqlLiteral, waitForStandbyStreaming } from '../failover/repointStandby.js';
import type { FailoverRun, PromoteFacts } from '../failover/failoverSteps.js';
import { CLEAN_SHUTDOWN_STATE, parseControlData } from './controlData.js';

/** What the steps of one switchover learn and hand on while they run. */
export interface SwitchoverRun {
  /** The old primary's shutdown checkpoint, from pg_controldata after the clean stop. */
  shutdownCheckpointLsn?: string;
  /** The target's replay position once it had everything. */
  targetReplayedLsn?: string;
  /** What the promotion step (shared with failover) learns: received LSN, new timeline. */
  promotion: FailoverRun;
}

/** How to give the old primary its role back when the switchover stops after it was stopped. */
export function restartAdvice(oldPrimary: NodeConfig): string {
  return `${oldPrimary.name} is left stopped and is still the primary of the cluster (nothing was promoted); to give it its role back, start it: ${commandLine(serviceCommand(oldPrimary, 'start'))}`;
}

export function stopStep(oldPrimary: NodeConfig): PlanStep {
  const spec = serviceCommand(oldPrimary, 'stop');
  return {
    node: oldPrimary.name,
    description: `stop ${oldPrimary.name} cleanly (fast shutdown: writes the shutdown checkpoint, sends it to the standbys, archives)`,
    detail: commandLine(spec),
    mutating: true,
    async run(ctx) {
      await ctx.command(oldPrimary.name, spec);
      await ctx.resetSession(oldPrimary.name);
      return `${oldPrimary.name} stopped`;
    },
  };
}

export function readShutdownCheckpointStep(oldPrimary: NodeConfig, run: SwitchoverRun, promoteFacts: PromoteFacts): PlanStep {
  const spec = controlDataCommand(oldPrimary);
  return {
    node: oldPrimary.name,
    description: `read ${oldPrimary.name}'s shutdown checkpoint LSN`,
    detail: `LC_ALL=C ${commandLine(spec)}  -- "Database cluster state: shut down", "Latest checkpoint location: <LSN>"`,
    mutating: false,
    async run(ctx) {
      const control = parseControlData(await ctx.command(oldPrimary.name, spec, { logStdout: false }));
      if (control.clusterState !== CLEAN_SHUTDOWN_STATE) {
        throw new Error(`${oldPrimary.name}'s cluster state is "${control.clusterState}", not "${CLEAN_SHUTDOWN_STATE}": it did not stop cleanly, so its last WAL is not known to be on the standbys; ${restartAdvice(oldPrimary)}`);
      }
      run.shutdownCheckpointLsn = control.latestCheckpointLsn;
      // The promotion's log line compares what the target had with this, the old primary's very last record.
      promoteFacts.lastKnownPrimaryLsn = control.latestCheckpointLsn;
      return `${oldPrimary.name} shut down cleanly at checkpoint ${control.latestCheckpointLsn} (timeline ${control.timeline ?? '?'})`;
    },
  };
}

const REPLAY_SQL = 'select pg_last_wal_receive_lsn()::text as received, pg_last_wal_replay_lsn()::text as replayed';

/**
 * pg_last_wal_replay_lsn() is the end of the last record replayed, so once
 * the shutdown checkpoint record (which starts at its LSN) is replayed it is
 * past that LSN: then the target holds every transaction the old primary
 * ever committed. Not reached in time: the switchover stops before the
 * promotion, the old primary left stopped and intact.
 */
export function waitForReplayStep(target: NodeConfig, oldPrimary: NodeConfig, run: SwitchoverRun, timeoutMs: number): PlanStep {
  return {
    node: target.name,
    description: `wait until ${target.name} has received and replayed ${oldPrimary.name}'s shutdown checkpoint (no loss allowed)`,
    detail: `${REPLAY_SQL}  -- every 10 ms, up to ${timeoutMs / 1000} s, until replayed > the shutdown checkpoint LSN; else stop here`,
    mutating: false,
    async run(ctx) {
      const checkpoint = run.shutdownCheckpointLsn;
      if (!checkpoint) throw new Error(`the shutdown checkpoint LSN is unknown; ${restartAdvice(oldPrimary)}`);
      const startedAt = Date.now();
      let seen = 'nothing yet';
      while (Date.now() - startedAt < timeoutMs) {
        const [row] = await ctx.sql<{ received: string | null; replayed: string | null }>(target.name, REPLAY_SQL, { mutating: false });
        seen = `received ${row?.received ?? '?'}, replayed ${row?.replayed ?? '?'}`;
        if (row?.replayed && parseLsn(row.replayed) > parseLsn(checkpoint)) {
          run.targetReplayedLsn = row.replayed;
          return `${target.name} replayed up to ${row.replayed}, past ${oldPrimary.name}'s shutdown checkpoint ${checkpoint} (${formatElapsed(Date.now() - startedAt)})`;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(
        `${target.name} has not replayed ${oldPrimary.name}'s shutdown checkpoint ${checkpoint} after ${timeoutMs / 1000} s (${seen}); ` +
          `promoting it would lose transactions, so it was not promoted. ${restartAdvice(oldPrimary)}`,
      );
    },
  };
}

export interface RejoinFacts {
  /** primary_conninfo pointing at the new primary, with the credentials it keeps (a password stays in its own postgresql.auto.conf). */
  conninfo: string;
  slot: string;
  timeoutMs: number;
}

/**
 * The lines appended to postgresql.auto.conf, as PostgreSQL's own
 * pg_basebackup -R / pg_rewind -R write them: quoted for the config file
 * (confString: quotes doubled and backslashes too, since the config parser
 * reads backslash escapes), not for SQL.
 */
export function rejoinSettings(facts: Pick<RejoinFacts, 'conninfo' | 'slot'>): string[] {
  return [`primary_conninfo = ${confString(facts.conninfo)}`, `primary_slot_name = ${confString(facts.slot)}`];
}

/**
 * Appends the settings to postgresql.auto.conf through sh only for the >>
 * redirection. The lines travel in the environment (PGCOCKPIT_SETTING_1..n),
 * never as arguments: a primary_conninfo may hold a password, and argv is
 * what ps shows every user of the host.
 */
export function appendSettingsCommand(file: string, settings: readonly string[], by = 'switchover'): CommandSpec {
  const names = settings.map((_, index) => `PGCOCKPIT_SETTING_${index + 1}`);
  return {
    program: 'sh',
    args: ['-c', `printf '%s\\n' '# added by pgcockpit ${by}' ${names.map((name) => `"$${name}"`).join(' ')} >> "$1"`, 'sh', file],
    env: Object.fromEntries(names.map((name, index) => [name, settings[index] ?? ''])),
    mutating: true,
    timeoutMs: 30_000,
  };
}

/**
 * Turns the stopped old primary into a standby of the new one and starts it.
 * The files are written while it is stopped, the way pg_basebackup -R and
 * pg_rewind -R do: standby.signal plus primary_conninfo / primary_slot_name
 * appended to postgresql.auto.conf (the last occurrence wins; a later ALTER
 * SYSTEM rewrites the file cleanly). Starting it first to use ALTER SYSTEM
 * would open it as a writable primary beside the new one (split brain), or as
 * a standby that streams from nowhere. After a clean switchover its WAL ends
 * at the shutdown checkpoint, which the new timeline forks after, so it
 * follows the new timeline (recovery_target_timeline = latest) with no rewind.
 */
export function rejoinOldPrimaryStep(oldPrimary: NodeConfig, newPrimary: NodeConfig, facts: RejoinFacts): PlanStep {
  const dataDir = oldPrimary.dataDir ?? '';
  const touch = { program: 'touch', args: [`${dataDir}/standby.signal`], mutating: true, timeoutMs: 30_000 };
  const settings = rejoinSettings(facts);
  const append = appendSettingsCommand(`${dataDir}/postgresql.auto.conf`, settings);
  const start = serviceCommand(oldPrimary, 'start');
  return {
    node: oldPrimary.name,
    description: `make ${oldPrimary.name} a standby of ${newPrimary.name}, start it and wait until it streams`,
    detail: [
      commandLine(touch),
      `append to ${dataDir}/postgresql.auto.conf:`,
      ...settings.map((line) => `  ${line}`),
      commandLine(start),
      `wait up to ${facts.timeoutMs / 1000} s: a WAL receiver on ${oldPrimary.name} streaming from port ${newPrimary.port} through slot ${facts.slot}, that slot active on ${newPrimary.name} with a streaming walsender`,
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      await ctx.command(oldPrimary.name, touch);
      await ctx.command(oldPrimary.name, append);
      await ctx.command(oldPrimary.name, start);
      await ctx.resetSession(oldPrimary.name);
      const { elapsedMs } = await waitForStandbyStreaming(ctx, oldPrimary, newPrimary, { timeoutMs: facts.timeoutMs, slot: facts.slot });
      return `${oldPrimary.name} streams from ${newPrimary.name} through ${facts.slot} (${formatElapsed(elapsedMs)} after the start)`;
    },
  };
}

/**
 * The old primary's slots for the standbys that now stream from the new
 * primary: inactive slots on a standby still hold back its restartpoints'
 * WAL removal, so left behind they would fill its pg_wal.
 */
export function dropStaleSlotsStep(oldPrimary: NodeConfig, slots: readonly string[]): PlanStep {
  const sql = `select slot_name, pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_type = 'physical' and not active and slot_name in (${slots.map(sqlLiteral).join(', ')})`;
  return {
    node: oldPrimary.name,
    description: `drop ${oldPrimary.name}'s old slots for the standbys (they would retain WAL there)`,
    detail: sql,
    mutating: true,
    async run(ctx) {
      const rows = await ctx.sql<{ slot_name: string }>(oldPrimary.name, sql, { mutating: true });
      return rows.length > 0 ? `dropped ${rows.map((row) => row.slot_name).join(', ')}` : 'no old slots left';
    },
  };
}

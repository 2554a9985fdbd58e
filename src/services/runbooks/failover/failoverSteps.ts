import { formatBytes } from '../../cluster/formatBytes.js';
import type { NodeConfig } from '../../config/schema.js';
import { lsnDiffBytes, parseLsn } from '../../postgres/lsn.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import type { PlanStep } from '../plan.js';
import { commandLine } from '../../os/shellQuote.js';
import { serviceCommand } from '../serviceControl.js';
import { appendSettingsCommand, rejoinSettings } from '../switchover/switchoverSteps.js';
import { RECEIVER_SQL, RELOADS_PRIMARY_CONNINFO, receiverPid, repointStatements, sqlLiteral, waitForStandbyStreaming } from './repointStandby.js';
import { waitForPromotion } from './waitForPromotion.js';

/** What the steps of one failover learn and hand on while they run. */
export interface FailoverRun {
  /** The target's last received / replayed WAL position just before pg_promote. */
  receivedLsn?: string;
  replayedLsn?: string;
  /** The new primary's timeline and write position right after the promotion. */
  timeline?: number;
  promotedLsn?: string;
  promotionMs?: number;
  /** Nodes that must be rebuilt before they rejoin. */
  needsRebuild: string[];
}

export const PROMOTE_SQL = 'select pg_promote(wait => false)';
export const IN_RECOVERY_SQL = 'select pg_is_in_recovery() as in_recovery';
const RECEIVED_SQL = 'select pg_last_wal_receive_lsn()::text as received, pg_last_wal_replay_lsn()::text as replayed';
/** A primary's timeline is in its current WAL file's name; pg_control_checkpoint() shows the old one until the first checkpoint. */
const TIMELINE_SQL =
  "select ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint as timeline, pg_current_wal_lsn()::text as lsn";

export function resumeReplayStep(target: NodeConfig): PlanStep {
  const sql = 'select pg_wal_replay_resume()';
  return {
    node: target.name,
    description: `resume WAL replay on ${target.name}`,
    detail: sql,
    mutating: true,
    async run(ctx) {
      await ctx.sql(target.name, sql, { mutating: true });
      return 'replay resumed';
    },
  };
}

/**
 * A sibling that received more WAL than the target would be unable to follow
 * it (its history would run past the new timeline's fork point). So the
 * target first streams the missing WAL from that sibling (a cascading
 * standby serves what it has received), then is promoted.
 */
export function catchUpStep(target: NodeConfig, source: NodeConfig, sourceLsn: string, conninfo: string, timeoutMs: number, versionNum = RELOADS_PRIMARY_CONNINFO): PlanStep {
  const reloads = versionNum >= RELOADS_PRIMARY_CONNINFO;
  const restart = serviceCommand(target, 'restart');
  const statements = [...repointStatements(conninfo, ''), ...(reloads ? ['select pg_reload_conf()'] : [])];
  const waitSql = `select pg_last_wal_receive_lsn() >= ${sqlLiteral(sourceLsn)}::pg_lsn as caught_up`;
  return {
    node: target.name,
    description: `let ${target.name} catch up from ${source.name} (received up to ${sourceLsn})`,
    detail: [...statements, ...(reloads ? [] : [commandLine(restart)]), `${waitSql}  -- every 10 ms, up to ${timeoutMs / 1000} s`].join('\n'),
    mutating: true,
    async run(ctx) {
      for (const statement of statements) await ctx.sql(target.name, statement, { mutating: true });
      if (!reloads) {
        // PostgreSQL 12 reads primary_conninfo only at start.
        await ctx.command(target.name, restart);
        await ctx.resetSession(target.name);
      }
      const startedAt = Date.now();
      while (Date.now() - startedAt < timeoutMs) {
        const [row] = await ctx.sql<{ caught_up: boolean | null }>(target.name, waitSql, { mutating: false });
        if (row?.caught_up === true) return `${target.name} has received up to ${sourceLsn} from ${source.name}`;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`${target.name} did not receive up to ${sourceLsn} from ${source.name} within ${timeoutMs / 1000} s`);
    },
  };
}

export interface PromoteFacts {
  /** The old primary's name, when known. */
  oldPrimary: string | null;
  /** The most WAL known to have come from the old primary (the highest any standby received), at plan time. */
  lastKnownPrimaryLsn: string | null;
  timeoutMs: number;
  /** What the promotion kept, for the log; absent: lostWalSentence (a failover's). */
  keptSentence?: (run: FailoverRun) => string;
}

export function promoteStep(target: NodeConfig, facts: PromoteFacts, run: FailoverRun): PlanStep {
  return {
    node: target.name,
    description: `promote ${target.name} and note its new timeline`,
    detail: [
      RECEIVED_SQL,
      PROMOTE_SQL,
      `${IN_RECOVERY_SQL}  -- every 2 ms on the same session, up to ${facts.timeoutMs / 1000} s`,
      TIMELINE_SQL,
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      const [before] = await ctx.sql<{ received: string | null; replayed: string | null }>(target.name, RECEIVED_SQL, { mutating: false });
      run.receivedLsn = before?.received ?? undefined;
      run.replayedLsn = before?.replayed ?? undefined;
      await ctx.sql(target.name, PROMOTE_SQL, { mutating: true });
      const wait = await waitForPromotion(
        async () => (await ctx.sql<{ in_recovery: boolean }>(target.name, IN_RECOVERY_SQL, { mutating: false }))[0]?.in_recovery !== false,
        facts.timeoutMs,
      );
      const [after] = await ctx.sql<{ timeline: string; lsn: string }>(target.name, TIMELINE_SQL, { mutating: false });
      run.timeline = Number(after?.timeline);
      run.promotedLsn = after?.lsn;
      run.promotionMs = wait.elapsedMs;
      ctx.log(facts.keptSentence?.(run) ?? lostWalSentence(target.name, facts, run));
      return `${target.name} is a primary on timeline ${run.timeline} after ${formatElapsed(wait.elapsedMs)} (${wait.polls} checks)`;
    },
  };
}

/** What the promotion kept and what it may have lost, naming both LSNs. */
export function lostWalSentence(target: string, facts: Pick<PromoteFacts, 'oldPrimary' | 'lastKnownPrimaryLsn'>, run: Pick<FailoverRun, 'receivedLsn' | 'replayedLsn'>): string {
  const old = facts.oldPrimary ?? 'the old primary';
  const received = run.receivedLsn ?? run.replayedLsn;
  const had = `${target} had received WAL up to ${received ?? 'an unknown position'}${run.replayedLsn ? ` (replayed up to ${run.replayedLsn})` : ''}`;
  if (!facts.lastKnownPrimaryLsn || !received) return `${had}; ${old}'s last known LSN is unknown: anything it wrote after ${received ?? 'that'} is lost`;
  const missing = lsnDiffBytes(facts.lastKnownPrimaryLsn, received) ?? 0;
  const known = `${old}'s last known LSN is ${facts.lastKnownPrimaryLsn} (the most WAL any standby received from it)`;
  if (missing > 0) {
    return `${had}; ${known}: WAL from ${received} to ${facts.lastKnownPrimaryLsn} (${formatBytes(missing)}) is not on ${target} and is lost, with anything ${old} wrote that no standby received`;
  }
  return `${had}; ${known}: no WAL any standby received is lost; only what ${old} wrote after ${facts.lastKnownPrimaryLsn} and no standby received is`;
}

export function checkpointStep(target: NodeConfig): PlanStep {
  return {
    node: target.name,
    description: `checkpoint on ${target.name}`,
    // Right after a promotion the first checkpoint has not finished and the control file still
    // shows the old timeline: a standby re-pointed before it would fail to follow.
    detail: 'checkpoint',
    mutating: true,
    async run(ctx) {
      await ctx.sql(target.name, 'checkpoint', { mutating: true });
      return 'checkpoint done';
    },
  };
}

export function createSlotsStep(target: NodeConfig, slots: ReadonlyArray<{ node: string; slot: string }>): PlanStep {
  const statement = (slot: string) =>
    `select pg_create_physical_replication_slot(${sqlLiteral(slot)}, true) where not exists (select from pg_replication_slots where slot_name = ${sqlLiteral(slot)})`;
  return {
    node: target.name,
    description: `create a physical slot on ${target.name} for ${slots.map((entry) => entry.node).join(', ')}`,
    detail: slots.map((entry) => statement(entry.slot)).join('\n'),
    mutating: true,
    async run(ctx) {
      for (const entry of slots) await ctx.sql(target.name, statement(entry.slot), { mutating: true });
      return `slots ${slots.map((entry) => entry.slot).join(', ')} present`;
    },
  };
}

export interface RepointFacts {
  conninfo: string;
  slot: string;
  versionNum: number;
  timeoutMs: number;
  /**
   * false: its replication login failed the pre-flight, so it is re-pointed
   * (it follows once the login is fixed) but not waited for: a failover does
   * not stop after the promotion for one standby.
   */
  expectStreaming?: boolean;
  /**
   * false: allow_alter_system = off on the standby (17+), so ALTER SYSTEM is
   * refused; the settings are appended to its postgresql.auto.conf through
   * its host instead (read last, so they win, as pg_basebackup -R writes them).
   */
  alterSystem?: boolean;
}

/** How long a standby whose login failed the pre-flight is given before the step says it does not follow yet. */
const UNEXPECTED_STREAM_WAIT_MS = 5_000;

export function repointStep(standby: NodeConfig, newPrimary: NodeConfig, facts: RepointFacts): PlanStep {
  const byFile = facts.alterSystem === false;
  const statements = byFile ? [] : repointStatements(facts.conninfo, facts.slot);
  const autoConf = `${standby.dataDir ?? ''}/postgresql.auto.conf`;
  const settings = rejoinSettings(facts);
  const append = appendSettingsCommand(autoConf, settings, 're-point (allow_alter_system = off)');
  const reloads = facts.versionNum >= RELOADS_PRIMARY_CONNINFO;
  const restart = serviceCommand(standby, 'restart');
  const apply = reloads ? 'select pg_reload_conf()' : commandLine(restart);
  const expect = facts.expectStreaming !== false;
  return {
    node: standby.name,
    description: `re-point ${standby.name} to ${newPrimary.name} and wait until it streams`,
    detail: [
      RECEIVER_SQL + '  -- the WAL receiver before the change',
      ...statements,
      ...(byFile ? [`append to ${autoConf} (allow_alter_system = off refuses ALTER SYSTEM):`, ...settings.map((line) => `  ${line}`)] : []),
      apply,
      `wait up to ${(expect ? facts.timeoutMs : UNEXPECTED_STREAM_WAIT_MS) / 1000} s: a new WAL receiver on ${standby.name} streaming from port ${newPrimary.port} through slot ${facts.slot}, that slot active on ${newPrimary.name} with a streaming walsender`,
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      const previousReceiverPid = await receiverPid(ctx, standby);
      for (const statement of statements) await ctx.sql(standby.name, statement, { mutating: true });
      if (byFile) await ctx.command(standby.name, append);
      if (reloads) {
        await ctx.sql(standby.name, 'select pg_reload_conf()', { mutating: true });
      } else {
        await ctx.command(standby.name, restart);
        await ctx.resetSession(standby.name);
      }
      const how = reloads ? 'the reload' : 'the restart';
      if (!expect) {
        try {
          await waitForStandbyStreaming(ctx, standby, newPrimary, { timeoutMs: UNEXPECTED_STREAM_WAIT_MS, slot: facts.slot, previousReceiverPid });
        } catch (error) {
          return `${standby.name} is re-pointed to ${newPrimary.name} but does not stream (its replication login failed the pre-flight): ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      const { elapsedMs } = await waitForStandbyStreaming(ctx, standby, newPrimary, { timeoutMs: facts.timeoutMs, slot: facts.slot, previousReceiverPid });
      return `${standby.name} streams from ${newPrimary.name} through ${facts.slot} (${formatElapsed(elapsedMs)} after ${how})`;
    },
  };
}

export function markRebuildStep(oldPrimary: string, newPrimary: string, run: FailoverRun): PlanStep {
  return {
    node: oldPrimary,
    description: `mark ${oldPrimary} as needing a rebuild`,
    detail:
      `nothing runs on ${oldPrimary}: it is still on the old timeline and must be rebuilt from ${newPrimary} (pg_basebackup, or pg_rewind) before it rejoins; do not start it as it is. ` +
      `No slot is made for it on ${newPrimary}: a slot for a node that is down would retain WAL there until it is rebuilt; its rebuild makes one. ` +
      `Slots that lived only on ${oldPrimary} (pg_receivewal's, a backup tool's, logical decoding) cannot be read while it is down and are not on ${newPrimary}: recreate them there`,
    mutating: false,
    async run(ctx) {
      if (!run.needsRebuild.includes(oldPrimary)) run.needsRebuild.push(oldPrimary);
      // The typed outcome the store marks the node's pane with (NEEDS REBUILD).
      ctx.reportOutcome({ needsRebuild: [oldPrimary] });
      return `${oldPrimary} needs rebuild from ${newPrimary}`;
    },
  };
}

/** Orders LSN text: true when a is past b. */
export function lsnAfter(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  return parseLsn(a) > parseLsn(b);
}

/**
 * Fencing: stops the old primary's server through its host's runner (its
 * service stop command, or pg_ctl stop -m fast), before anything is promoted,
 * so that it cannot come back as a second primary. Used when its server
 * still runs on its host but does not answer here.
 */
export function fenceStep(oldPrimary: NodeConfig): PlanStep {
  const spec = serviceCommand(oldPrimary, 'stop');
  return {
    node: oldPrimary.name,
    description: `stop ${oldPrimary.name}'s server (fence)`,
    detail: commandLine(spec),
    mutating: true,
    async run(ctx) {
      await ctx.command(oldPrimary.name, spec);
      return `${oldPrimary.name}'s server is stopped: it cannot come back as a second primary`;
    },
  };
}

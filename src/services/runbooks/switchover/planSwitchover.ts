import { formatBytes } from '../../cluster/formatBytes.js';
import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { slotNameFor } from '../../postgres/slotName.js';
import { repointConninfo } from '../conninfoEdit.js';
import type { FailoverFacts } from '../failover/failoverFacts.js';
import type { PromoteFacts } from '../failover/failoverSteps.js';
import { checkpointStep, createSlotsStep, promoteStep, repointStep } from '../failover/failoverSteps.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { formatCommand, serviceCommand } from '../serviceControl.js';
import type { SwitchoverRun } from './switchoverSteps.js';
import { dropStaleSlotsStep, readShutdownCheckpointStep, rejoinOldPrimaryStep, stopStep, waitForReplayStep } from './switchoverSteps.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';

export interface SwitchoverOptions {
  /** Most WAL (bytes) any standby may lag behind the primary at plan time (default 16 MiB). */
  maxLagBytes?: number;
  /** Most .ready segments on the primary: its fast shutdown waits for the archiver (default 8). */
  maxArchiveReady?: number;
  /** How long the target has to replay the old primary's shutdown checkpoint (default 60 s). */
  replayTimeoutMs?: number;
  promoteTimeoutMs?: number;
  /** How long each standby (the old primary too) has to stream from the new primary (default 30 s). */
  streamTimeoutMs?: number;
}

export const DEFAULT_SWITCHOVER_MAX_LAG_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SWITCHOVER_MAX_ARCHIVE_READY = 8;

export interface SwitchoverPlan extends Plan {
  /** Filled in by the steps as they run: shutdown checkpoint LSN, new timeline. */
  run: SwitchoverRun;
  oldPrimary: string | null;
  /** Standbys streaming at plan time: the cluster ends with as many. */
  streamingStandbys: number;
}

/**
 * The switchover plan that gives the primary role to the standby
 * `targetName` while the primary is up, from one look at the cluster (pure:
 * no I/O). Nothing is lost: the old primary is stopped cleanly, and the target
 * is promoted only once it has replayed the old primary's shutdown
 * checkpoint. The old primary then rejoins as a standby of the new one, so the
 * cluster keeps its number of streaming standbys. Refusals are failed checks
 * and leave no steps.
 */
export function planSwitchover(config: CockpitConfig, facts: FailoverFacts, targetName: string, options: SwitchoverOptions = {}): SwitchoverPlan {
  const maxLagBytes = options.maxLagBytes ?? DEFAULT_SWITCHOVER_MAX_LAG_BYTES;
  const maxArchiveReady = options.maxArchiveReady ?? DEFAULT_SWITCHOVER_MAX_ARCHIVE_READY;
  const streamTimeoutMs = options.streamTimeoutMs ?? 30_000;
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const run: SwitchoverRun = { promotion: { needsRebuild: [] } };
  const snapshots = new Map(facts.view.nodes.map((node) => [node.name, node]));
  const streamingStandbys = facts.view.links.filter((link) => link.receiverStreaming).length;
  const finish = (steps: PlanStep[], oldPrimary: string | null): SwitchoverPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    return {
      title: `switchover: make ${targetName} the primary${oldPrimary ? `, ${oldPrimary} a standby of it` : ''}`,
      target: targetName,
      confirmWord: targetName,
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      run,
      oldPrimary,
      streamingStandbys,
    };
  };

  const target = config.nodes.find((node) => node.name === targetName);
  if (!target) {
    checks.push(unknownNodeCheck(config, targetName));
    return finish([], null);
  }
  const snap = snapshots.get(target.name);
  const server = snap?.status === 'up' ? snap.server : undefined;

  // 1. The target: a reachable standby.
  if (!snap || !server || snap.role !== 'standby') {
    checks.push({
      label: `${target.name} is a reachable standby`,
      status: 'fail',
      observed: !server ? `${target.name} is down: ${snap?.downReason ?? 'not polled'}` : `${target.name} is a primary already`,
      fix: !server ? `start ${target.name}, or switch over to another standby` : 'switch over to one of its standbys',
    });
    return finish([], null);
  }
  checks.push({ label: `${target.name} is a reachable standby`, status: 'ok', observed: `standby on timeline ${server.timeline ?? '?'}, PostgreSQL ${server.version}` });

  // 2. The current primary: exactly one, up and writable, with a data directory we can reach.
  const primaries = facts.view.nodes.filter((node) => node.status === 'up' && node.role === 'primary');
  const primarySnap = primaries[0];
  const oldPrimary = primarySnap ? config.nodes.find((node) => node.name === primarySnap.name) : undefined;
  if (primaries.length !== 1 || !oldPrimary || !primarySnap?.server) {
    checks.push({
      label: 'one primary is up',
      status: 'fail',
      observed: primaries.length === 0 ? 'no primary is reachable' : `${primaries.map((node) => node.name).join(', ')} are all up as primaries (split brain)`,
      fix: primaries.length === 0 ? `switchover needs the primary up; when it is gone, use promote ${target.name} (failover)` : 'resolve the split brain first: stop all primaries but one',
    });
    return finish([], null);
  }
  const primaryServer = primarySnap.server;
  const readOnly = facts.extras[oldPrimary.name]?.transactionReadOnly === true;
  checks.push({
    label: 'one primary is up',
    status: readOnly ? 'warn' : 'ok',
    observed: `${oldPrimary.name} on timeline ${primaryServer.timeline ?? '?'}, at ${primaryServer.currentLsn ?? '?'}${readOnly ? ' (transaction_read_only = on)' : ''}`,
  });
  if (!oldPrimary.dataDir) {
    checks.push({
      label: `${oldPrimary.name}'s data directory is configured`,
      status: 'fail',
      observed: 'no dataDir in its config: pg_controldata and standby.signal need it',
      fix: `set nodes[${oldPrimary.name}].dataDir`,
    });
  }

  // 3. Replay not paused on the target: it would never reach the shutdown checkpoint.
  checks.push(
    server.replayPaused
      ? {
          label: 'WAL replay is not paused',
          status: 'fail',
          observed: `replay is paused on ${target.name} with ${formatBytes(server.replayGapBytes ?? 0)} received but not applied`,
          fix: `resume it first (select pg_wal_replay_resume() on ${target.name}) and plan again`,
        }
      : { label: 'WAL replay is not paused', status: 'ok', observed: 'replaying' },
  );

  // 4. Every standby connected to the primary and caught up within the threshold.
  const standbys = config.nodes.filter((node) => node !== oldPrimary);
  for (const standby of standbys) {
    checks.push(standbyCheck(standby, snapshots.get(standby.name), facts, oldPrimary, maxLagBytes, standby === target));
  }

  // 5. The archiver: a fast shutdown waits until every .ready segment is archived.
  checks.push(archiveCheck(oldPrimary.name, primaryServer, maxArchiveReady));

  // 6. Standbys that must follow the new timeline: the siblings now, the old primary once it is one.
  for (const follower of config.nodes.filter((node) => node !== target)) {
    const setting = facts.extras[follower.name]?.recoveryTargetTimeline;
    if (setting !== undefined && setting !== 'latest') {
      checks.push({
        label: `${follower.name} follows the new timeline`,
        status: 'fail',
        observed: `recovery_target_timeline = ${setting}`,
        fix: `alter system set recovery_target_timeline = 'latest' on ${follower.name} (restart) and plan again`,
      });
    }
  }

  // 7. Room on the target for every other node's walsender and slot.
  const followers = config.nodes.filter((node) => node !== target);
  const slotsFor = followers.map((node) => ({ node: node.name, slot: slotNameFor(config.replication.slotNamePattern, node.name) }));
  const existingSlots = new Set(server.slots.map((slot) => slot.name));
  const newSlots = slotsFor.filter((entry) => !existingSlots.has(entry.slot));
  checks.push(capacityCheck(`free max_wal_senders on ${target.name}`, server.settings.max_wal_senders, server.replicas.length, followers.length, 'walsender'));
  checks.push(capacityCheck(`free max_replication_slots on ${target.name}`, server.settings.max_replication_slots, server.slots.length, newSlots.length, 'slot'));

  // 8. The old primary's conninfo: the target's, pointed at the target, so its passfile and options carry over.
  const targetConninfo = facts.extras[target.name]?.primaryConninfo;
  if (targetConninfo === undefined) {
    checks.push({
      label: `${oldPrimary.name} can stream from ${target.name}`,
      status: 'fail',
      observed: `could not read ${target.name}'s primary_conninfo`,
      fix: 'check that the configured user may read settings (superuser or pg_read_all_settings)',
    });
    return finish([], oldPrimary.name);
  }
  const repoint = (node: NodeConfig) => repointConninfo(facts.extras[node.name]?.primaryConninfo ?? targetConninfo, { host: target.host, port: target.port, user: config.replication.user, applicationName: node.name });
  const oldPrimaryConninfo = repointConninfo(targetConninfo, { host: target.host, port: target.port, user: config.replication.user, applicationName: oldPrimary.name });
  checks.push({
    label: `${oldPrimary.name} can stream from ${target.name}`,
    status: oldPrimaryConninfo.droppedPassword ? 'warn' : 'ok',
    observed: `primary_conninfo = ${oldPrimaryConninfo.conninfo}`,
    ...(oldPrimaryConninfo.droppedPassword ? { fix: `${target.name}'s primary_conninfo holds a password, which is not copied: put it in ${oldPrimary.name}'s passfile` } : {}),
  });

  const promoteFacts: PromoteFacts = {
    oldPrimary: oldPrimary.name,
    lastKnownPrimaryLsn: null,
    timeoutMs: options.promoteTimeoutMs ?? 60_000,
    keptSentence: (promotion) =>
      `${target.name} had received WAL up to ${promotion.receivedLsn ?? '?'} (replayed up to ${promotion.replayedLsn ?? '?'}), ` +
      `past ${oldPrimary.name}'s shutdown checkpoint ${run.shutdownCheckpointLsn ?? '?'}, its last record: nothing ${oldPrimary.name} committed is lost`,
  };
  const siblings = standbys.filter((node) => node !== target);
  const steps: PlanStep[] = [
    checkpointStep(oldPrimary),
    stopStep(oldPrimary),
    readShutdownCheckpointStep(oldPrimary, run, promoteFacts),
    waitForReplayStep(target, oldPrimary, run, options.replayTimeoutMs ?? 60_000),
    promoteStep(target, promoteFacts, run.promotion),
    checkpointStep(target),
  ];
  if (newSlots.length > 0) steps.push(createSlotsStep(target, newSlots));
  for (const sibling of siblings) {
    const edited = repoint(sibling);
    if (edited.droppedPassword) warnings.push(`${sibling.name}'s primary_conninfo holds a password, which is not copied: put it in its passfile`);
    steps.push(
      repointStep(sibling, target, {
        conninfo: edited.conninfo,
        slot: slotNameFor(config.replication.slotNamePattern, sibling.name),
        versionNum: snapshots.get(sibling.name)?.server?.versionNum ?? 0,
        timeoutMs: streamTimeoutMs,
      }),
    );
  }
  steps.push(
    rejoinOldPrimaryStep(oldPrimary, target, {
      conninfo: oldPrimaryConninfo.conninfo,
      slot: slotNameFor(config.replication.slotNamePattern, oldPrimary.name),
      timeoutMs: streamTimeoutMs,
    }),
  );
  const staleSlots = primaryServer.slots.map((slot) => slot.name).filter((name) => slotsFor.some((entry) => entry.slot === name) || name === slotNameFor(config.replication.slotNamePattern, target.name));
  if (staleSlots.length > 0) steps.push(dropStaleSlotsStep(oldPrimary, staleSlots));
  warnings.push(
    `${oldPrimary.name} stops accepting writes at step 2; if ${target.name} cannot replay its last WAL the switchover stops before the promotion and ${oldPrimary.name} stays stopped (start it again with ${formatCommand(serviceCommand(oldPrimary, 'start'))})`,
  );
  return finish(steps, oldPrimary.name);
}

function standbyCheck(
  standby: NodeConfig,
  snap: NodeSnapshot | undefined,
  facts: FailoverFacts,
  primary: NodeConfig,
  maxLagBytes: number,
  isTarget: boolean,
): PreflightCheck {
  const label = `${standby.name} streams from ${primary.name} and is caught up`;
  if (snap?.status !== 'up' || !snap.server) {
    return { label, status: 'fail', observed: `${standby.name} is down (${snap?.downReason ?? 'not polled'})`, fix: `start ${standby.name} (or rebuild it) and plan again: every standby must follow the new primary` };
  }
  if (snap.role !== 'standby') return { label, status: 'fail', observed: `${standby.name} is a ${snap.role}` };
  const link = facts.view.links.find((candidate) => candidate.standby === standby.name);
  if (!link?.receiverStreaming || link.upstream !== primary.name) {
    const receiver = snap.server.walReceiver;
    return {
      label,
      status: 'fail',
      observed: receiver ? `WAL receiver ${receiver.status} from port ${receiver.senderPort ?? '?'}${link?.upstream ? ` (${link.upstream})` : ''}` : 'not streaming (no WAL receiver)',
      fix: `get ${standby.name} streaming from ${primary.name} and plan again`,
    };
  }
  const lag = link.lagBytes;
  const observed = `streaming, ${lag === null ? 'lag unknown' : `${formatBytes(lag)} behind`} (at most ${formatBytes(maxLagBytes)})`;
  if (lag !== null && lag > maxLagBytes) {
    return { label, status: 'fail', observed, fix: `wait until ${standby.name} catches up (or lighten the write load) and plan again` };
  }
  // The target's paused replay is a check of its own.
  if (snap.server.replayPaused && !isTarget) {
    return { label, status: 'fail', observed: `${observed}, replay paused`, fix: `select pg_wal_replay_resume() on ${standby.name} and plan again` };
  }
  return { label, status: lag === null ? 'warn' : 'ok', observed };
}

function archiveCheck(primary: string, server: NonNullable<NodeSnapshot['server']>, maxReady: number): PreflightCheck {
  const label = `no archive backlog on ${primary}`;
  const archiver = server.archiver;
  if (!archiver.enabled) return { label, status: 'ok', observed: 'archiving is off' };
  if (archiver.failing) {
    return {
      label,
      status: 'fail',
      observed: `archive_command is failing (last failed ${archiver.lastFailedWal ?? '?'})`,
      fix: `fix archiving on ${primary} first: its shutdown waits for the archiver`,
    };
  }
  if (!archiver.canReadStatusDir || archiver.readyCount === null) {
    return { label, status: 'warn', observed: 'backlog unknown (the role needs pg_monitor to list archive_status)', fix: 'a large backlog makes the shutdown slow' };
  }
  const observed = `${archiver.readyCount} segment${archiver.readyCount === 1 ? '' : 's'} waiting (at most ${maxReady})`;
  return archiver.readyCount <= maxReady
    ? { label, status: 'ok', observed }
    : { label, status: 'fail', observed, fix: `let the archiver catch up first: ${primary}'s fast shutdown waits until every .ready segment is archived` };
}

function capacityCheck(label: string, setting: string | undefined, used: number, needed: number, what: string): PreflightCheck {
  const max = Number(setting);
  if (setting === undefined || !Number.isFinite(max)) return { label, status: 'warn', observed: 'setting not visible to this role' };
  const free = max - used;
  const observed = `${free} free of ${max}, ${needed} needed`;
  return free >= needed
    ? { label, status: 'ok', observed }
    : { label, status: 'fail', observed, fix: `raise it to at least ${used + needed} (takes a restart) before the switchover: one ${what} per standby` };
}

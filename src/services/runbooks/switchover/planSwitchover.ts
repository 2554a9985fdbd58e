import { formatBytes } from '../../cluster/formatBytes.js';
import { listNames } from '../../cluster/listNames.js';
import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { slotNameFor } from '../../postgres/slotName.js';
import path from 'node:path';
import { rejoinConninfo, repointConninfo } from '../conninfoEdit.js';
import { clusterSystemIdentifier } from '../failover/failoverFacts.js';
import { archiveCommandCheck } from '../preflight/archiveCommandCheck.js';
import { failoverSlotsChecks } from '../preflight/failoverSlotsCheck.js';
import { alterSystemCheck } from '../preflight/alterSystemCheck.js';
import { dataDirCheck } from '../preflight/dataDirProof.js';
import { RELOADS_PRIMARY_CONNINFO } from '../failover/repointStandby.js';
import type { FollowerLogin } from '../preflight/replicationLogin.js';
import { replicationLoginCheck } from '../preflight/replicationLogin.js';
import type { FailoverFacts } from '../failover/failoverFacts.js';
import type { PromoteFacts } from '../failover/failoverSteps.js';
import { checkpointStep, createSlotsStep, promoteStep, repointStep } from '../failover/failoverSteps.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { commandLine } from '../../os/shellQuote.js';
import { serverLogCheck } from '../serverLogCheck.js';
import { serviceCommand, withServerLog } from '../serviceControl.js';
import type { SwitchoverRun } from './switchoverSteps.js';
import { dropStaleSlotsStep, readShutdownCheckpointStep, rejoinOldPrimaryStep, stopStep, waitForReplayStep } from './switchoverSteps.js';
import { dropUnsyncedFailoverSlotsStep, synchronizedStandbySlotsStep } from './failoverSlotSteps.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { adviseSwitchoverStops } from './switchoverStopAdvice.js';

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
  /** --copy-slots: create the old primary's other physical slots (pg_receivewal's, a backup tool's) on the new primary, and drop them from the old one. */
  copySlots?: boolean;
  /** --ignore-failover-slots: switch over although the primary's failover slots have no synced copy on the target. */
  ignoreFailoverSlots?: boolean;
}

export const DEFAULT_SWITCHOVER_MAX_LAG_BYTES = 16 * 1024 * 1024;
export const DEFAULT_SWITCHOVER_MAX_ARCHIVE_READY = 8;

export interface SwitchoverPlan extends Plan {
  /** Filled in by the steps as they run: shutdown checkpoint LSN, new timeline. */
  run: SwitchoverRun;
  oldPrimary: string | null;
  /** Standbys streaming at plan time: the cluster ends with as many. */
  streamingStandbys: number;
  /** The replication logins the followers will make: prepareSwitchover tries them and plans again with the results. */
  followerLogins: FollowerLogin[];
  /** Nodes whose data directory must be proven theirs before a service action: the old primary. */
  dataDirNodes: string[];
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
  const followerLogins: FollowerLogin[] = [];
  const dataDirNodes: string[] = [];
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
      followerLogins,
      dataDirNodes,
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
  const refusing = facts.view.nodes.filter((node) => node.status !== 'up' && node.serverAnswered);
  if (primaries.length === 0 && refusing.length > 0) {
    checks.push({
      label: 'one primary is up',
      status: 'fail',
      observed: refusing.map((node) => `${node.name} is up but refuses pgcockpit's login: ${node.downReason ?? 'an error'}`).join('; '),
      fix: 'a switchover needs pgcockpit logged in to the primary: fix the login (passfile, pg_hba.conf, max_connections) and plan again; do not promote while it runs',
    });
    return finish([], null);
  }
  if (primaries.length !== 1 || !oldPrimary || !primarySnap?.server) {
    checks.push({
      label: 'one primary is up',
      status: 'fail',
      observed: primaries.length === 0 ? 'no primary is reachable' : `${listNames(primaries.map((node) => node.name))} are up as primaries (split brain)`,
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
  // Stop, pg_controldata, standby.signal and start all act on its data directory: prove it is pg1's.
  dataDirNodes.push(oldPrimary.name);
  if (facts.dataDirs || !oldPrimary.dataDir || !path.isAbsolute(oldPrimary.dataDir)) {
    checks.push(dataDirCheck(oldPrimary, facts.dataDirs?.[oldPrimary.name], clusterSystemIdentifier(facts)));
  }
  // Started again by pg_ctl at the rejoin (or to give it its role back): it goes on logging where it did.
  const logPlace = facts.serverLogs?.[oldPrimary.name];
  const started = withServerLog(oldPrimary, logPlace);
  if (logPlace) checks.push(serverLogCheck(oldPrimary.name, logPlace));

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

  // 4. Every standby streaming (from the primary, or in a cascade from a standby that does) and caught up.
  const standbys = config.nodes.filter((node) => node !== oldPrimary);
  for (const standby of standbys) {
    checks.push(standbyCheck(standby, snapshots.get(standby.name), facts, oldPrimary, maxLagBytes, standby === target));
  }

  // 5. The archiver: a fast shutdown waits until every .ready segment is archived; the target archives next.
  checks.push(archiveCheck(oldPrimary.name, primaryServer, maxArchiveReady));
  const targetArchiving = archiveCommandCheck(snap);
  if (targetArchiving) checks.push(targetArchiving);

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

  // 7. Who follows whom afterwards: standbys of the old primary are re-pointed (keeping their own
  // credentials and slot names); cascaded ones stay behind their upstream; the old primary rejoins.
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
  const siblings = standbys.filter((node) => node !== target);
  const slotOf = (node: NodeConfig) => facts.extras[node.name]?.primarySlotName || slotNameFor(config.replication.slotNamePattern, node.name);
  const existingSlots = new Set(server.slots.map((slot) => slot.name));
  const newSlots: Array<{ node: string; slot: string }> = [];
  const needSlot = (node: NodeConfig, slot: string) => {
    if (!existingSlots.has(slot) && !newSlots.some((entry) => entry.slot === slot)) newSlots.push({ node: node.name, slot });
  };
  const repoints: PlanStep[] = [];
  /** The physical slots the new primary's direct standbys stream through (synchronized_standby_slots names them). */
  const followerSlots: string[] = [];
  /** Slots on the old primary that its direct standbys used: stale once they stream from the target. */
  const staleOnOld = new Set([slotOf(target), slotNameFor(config.replication.slotNamePattern, target.name)]);
  for (const sibling of siblings) {
    const upstream = facts.view.links.find((link) => link.standby === sibling.name)?.upstream;
    if (upstream && upstream !== oldPrimary.name) {
      checks.push({ label: `${sibling.name} follows the new primary`, status: 'ok', observed: `it streams from ${upstream} (a cascade): left alone, it follows the new timeline through ${upstream}` });
      continue;
    }
    const edited = repointConninfo(facts.extras[sibling.name]?.primaryConninfo ?? targetConninfo, { host: target.host, port: target.port, user: config.replication.user });
    const slot = slotOf(sibling);
    needSlot(sibling, slot);
    followerSlots.push(slot);
    staleOnOld.add(slot).add(slotNameFor(config.replication.slotNamePattern, sibling.name));
    const login: FollowerLogin = { node: sibling, upstream: target.name, conninfo: edited.conninfo };
    followerLogins.push(login);
    if (facts.logins) checks.push(replicationLoginCheck(login, facts.logins[sibling.name], 'fail'));
    const versionNum = snapshots.get(sibling.name)?.server?.versionNum ?? 0;
    if (versionNum < RELOADS_PRIMARY_CONNINFO) {
      // PostgreSQL 12 re-reads primary_conninfo only on a restart: a service action, so its data directory must be its own.
      dataDirNodes.push(sibling.name);
      if (facts.dataDirs) checks.push(dataDirCheck(sibling, facts.dataDirs[sibling.name], clusterSystemIdentifier(facts)));
    }
    const siblingLog = versionNum < RELOADS_PRIMARY_CONNINFO ? facts.serverLogs?.[sibling.name] : undefined;
    if (siblingLog) checks.push(serverLogCheck(sibling.name, siblingLog));
    const byFile = alterSystemCheck(sibling, snapshots.get(sibling.name));
    if (byFile) {
      checks.push(byFile.check);
      if (byFile.byFile && !dataDirNodes.includes(sibling.name)) {
        dataDirNodes.push(sibling.name);
        if (facts.dataDirs) checks.push(dataDirCheck(sibling, facts.dataDirs[sibling.name], clusterSystemIdentifier(facts)));
      }
    }
    repoints.push(
      repointStep(withServerLog(sibling, siblingLog), target, { conninfo: edited.conninfo, slot, versionNum, timeoutMs: streamTimeoutMs, ...(byFile?.byFile ? { alterSystem: false } : {}) }),
    );
  }
  const oldPrimaryConninfo = rejoinConninfo({
    own: facts.extras[oldPrimary.name]?.primaryConninfo ?? '',
    target: targetConninfo,
    host: target.host,
    port: target.port,
    user: config.replication.user,
    nodeName: oldPrimary.name,
  });
  const credentialsFrom =
    oldPrimaryConninfo.credentialsFrom === 'own'
      ? `${oldPrimary.name}'s own earlier primary_conninfo`
      : oldPrimaryConninfo.credentialsFrom === 'target'
        ? `${target.name}'s primary_conninfo`
        : `the config (replication.user ${config.replication.user}; its password must be in a passfile ${oldPrimary.osUser} can read)`;
  checks.push({ label: `${oldPrimary.name} can stream from ${target.name}`, status: 'ok', observed: `primary_conninfo = ${oldPrimaryConninfo.conninfo} (credentials from ${credentialsFrom})` });
  const oldPrimaryLogin: FollowerLogin = { node: oldPrimary, upstream: target.name, conninfo: oldPrimaryConninfo.conninfo };
  followerLogins.push(oldPrimaryLogin);
  if (facts.logins) checks.push(replicationLoginCheck(oldPrimaryLogin, facts.logins[oldPrimary.name], 'fail'));
  const oldPrimarySlot = slotNameFor(config.replication.slotNamePattern, oldPrimary.name);
  needSlot(oldPrimary, oldPrimarySlot);
  followerSlots.push(oldPrimarySlot);

  // 7b. Failover slots (17+): synced on the target, they carry the subscribers over; the old primary's own become stale copies.
  const slotChecks = failoverSlotsChecks({
    target: snap,
    primaryName: oldPrimary.name,
    primarySlots: primaryServer.slots,
    primarySettings: primaryServer.settings,
    ...(options.ignoreFailoverSlots ? { ignore: true } : {}),
  });
  checks.push(...slotChecks);
  const failoverSlots = primaryServer.slots.filter((slot) => slot.type === 'logical' && slot.failover === true).map((slot) => slot.name);
  const standbySlotsSetting = (primaryServer.settings['synchronized_standby_slots'] ?? '').trim();

  // 8. Slots on the old primary that belong to no standby (pg_receivewal, a backup tool, logical decoding).
  const otherSlots = primaryServer.slots.filter((slot) => !staleOnOld.has(slot.name) && !failoverSlots.includes(slot.name));
  const copied = options.copySlots ? otherSlots.filter((slot) => slot.type === 'physical') : [];
  for (const slot of otherSlots) {
    const label = `${oldPrimary.name}'s slot ${slot.name} (${slot.type}, ${slot.active ? 'active' : 'inactive'})`;
    if (slot.type === 'logical') {
      checks.push({
        label,
        status: 'warn',
        observed: `a logical slot stays on ${oldPrimary.name}: it cannot be moved with its position`,
        fix: `its consumer must create a new slot on ${target.name} and resynchronise; drop it on ${oldPrimary.name} (select pg_drop_replication_slot('${slot.name}')) once it is not needed, since it retains WAL there`,
      });
    } else if (options.copySlots) {
      checks.push({ label, status: 'ok', observed: `created on ${target.name} and dropped from ${oldPrimary.name} (--copy-slots); its client must reconnect to ${target.name}` });
    } else {
      checks.push({
        label,
        status: 'warn',
        observed: `not a standby's slot (pg_receivewal, a backup tool?): it is not created on ${target.name}, and on ${oldPrimary.name} (a standby afterwards) it would retain WAL`,
        fix: `--copy-slots creates it on ${target.name} and drops it from ${oldPrimary.name}`,
      });
    }
  }
  for (const slot of copied) needSlot(oldPrimary, slot.name);

  // 9. Room on the target for every walsender and slot it will serve.
  const direct = repoints.length + 1;
  checks.push(capacityCheck(`free max_wal_senders on ${target.name}`, server.settings.max_wal_senders, server.replicas.length, direct, 'walsender'));
  checks.push(capacityCheck(`free max_replication_slots on ${target.name}`, server.settings.max_replication_slots, server.slots.length, newSlots.length, 'slot'));

  const promoteFacts: PromoteFacts = {
    oldPrimary: oldPrimary.name,
    lastKnownPrimaryLsn: null,
    timeoutMs: options.promoteTimeoutMs ?? 60_000,
    keptSentence: (promotion) =>
      `${target.name} had received WAL up to ${promotion.receivedLsn ?? '?'} (replayed up to ${promotion.replayedLsn ?? '?'}), ` +
      `past ${oldPrimary.name}'s shutdown checkpoint ${run.shutdownCheckpointLsn ?? '?'}, its last record: nothing ${oldPrimary.name} committed is lost`,
  };
  const steps: PlanStep[] = [
    checkpointStep(oldPrimary),
    stopStep(oldPrimary),
    readShutdownCheckpointStep(started, run, promoteFacts),
    waitForReplayStep(target, started, run, options.replayTimeoutMs ?? 60_000),
    promoteStep(target, promoteFacts, run.promotion),
    checkpointStep(target),
  ];
  if (newSlots.length > 0) steps.push(createSlotsStep(target, newSlots));
  steps.push(...repoints);
  steps.push(rejoinOldPrimaryStep(started, target, { conninfo: oldPrimaryConninfo.conninfo, slot: oldPrimarySlot, timeoutMs: streamTimeoutMs }));
  const staleSlots = primaryServer.slots.map((slot) => slot.name).filter((name) => staleOnOld.has(name) || copied.some((slot) => slot.name === name));
  if (staleSlots.length > 0) steps.push(dropStaleSlotsStep(oldPrimary, staleSlots));
  if (failoverSlots.length > 0 || standbySlotsSetting !== '') {
    // The old list's other entries (a standby pgcockpit does not manage) are kept where the slot exists on the new primary; one that does not would hold back every subscriber.
    const onTarget = new Set([...existingSlots, ...newSlots.map((entry) => entry.slot), ...copied.map((slot) => slot.name)]);
    const oldList = standbySlotsSetting.split(',').map((item) => item.trim().replace(/^"|"$/g, '')).filter((item) => item !== '' && !staleOnOld.has(item) && !followerSlots.includes(item));
    const kept = oldList.filter((name) => onTarget.has(name));
    const left = oldList.filter((name) => !onTarget.has(name));
    const slots = [...followerSlots, ...kept];
    const alterSystem = server.settings['allow_alter_system'] !== 'off';
    checks.push({
      label: `synchronized_standby_slots on ${target.name} afterwards`,
      status: left.length > 0 || !alterSystem ? 'warn' : 'ok',
      observed:
        `'${slots.join(', ')}' (was '${standbySlotsSetting}' on ${oldPrimary.name})` +
        (left.length > 0 ? `; left out: ${left.join(', ')} (no such slot on ${target.name}: it would hold back every subscriber)` : '') +
        (alterSystem ? '' : `; allow_alter_system = off on ${target.name}: pgcockpit cannot set it`),
      ...(left.length > 0 || !alterSystem
        ? { fix: `${left.length > 0 ? `create ${left.join(', ')} on ${target.name} for the standbys that use them and add them to synchronized_standby_slots there` : ''}${left.length > 0 && !alterSystem ? '; ' : ''}${alterSystem ? '' : `in ${target.name}'s postgresql.conf: synchronized_standby_slots = '${slots.join(', ')}', then reload`}` }
        : {}),
    });
    if (alterSystem) steps.push(synchronizedStandbySlotsStep(target, slots));
  }
  if (failoverSlots.length > 0) steps.push(dropUnsyncedFailoverSlotsStep(oldPrimary, failoverSlots));
  warnings.push(
    `${oldPrimary.name} stops accepting writes at step 2; if ${target.name} cannot replay its last WAL the switchover stops before the promotion and ${oldPrimary.name} stays stopped (start it again with ${commandLine(serviceCommand(started, 'start'))})`,
  );
  return finish(adviseSwitchoverStops(steps, { oldPrimary: started, target, run }), oldPrimary.name);
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
  // A cascade (primary -> pg2 -> pg3) is fine for a sibling; the target itself must stream from the primary.
  const cascadeOk = !isTarget && link?.upstream != null && link.upstream !== primary.name && facts.view.links.some((candidate) => candidate.standby === link.upstream && candidate.receiverStreaming);
  if (!link?.receiverStreaming || (link.upstream !== primary.name && !cascadeOk)) {
    const receiver = snap.server.walReceiver;
    return {
      label,
      status: 'fail',
      observed: receiver ? `WAL receiver ${receiver.status} from port ${receiver.senderPort ?? '?'}${link?.upstream ? ` (${link.upstream})` : ''}` : 'not streaming (no WAL receiver)',
      fix: `get ${standby.name} streaming from ${primary.name} and plan again`,
    };
  }
  const lag = link.lagBytes;
  const observed = `streaming${cascadeOk ? ` from ${link.upstream} (a cascade)` : ''}, ${lag === null ? 'lag unknown' : `${formatBytes(lag)} behind`} (at most ${formatBytes(maxLagBytes)})`;
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

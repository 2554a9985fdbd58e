import type { Thresholds } from '../config/schema.js';
import { archiveCommandAlerts } from './archiveCommandAlerts.js';
import type { Alert, AlertSeverity, StandbyLink } from './clusterView.js';
import { formatBytes } from './formatBytes.js';
import { formatDuration } from './formatDuration.js';
import { listNames } from './listNames.js';
import { loginRefusal } from './loginRefusal.js';
import { cannotSeeReplication, monitoringLoginAlerts } from './monitoringLoginAlerts.js';
import { rebuildCommand } from './needsRebuild.js';
import type { WalRemoved } from './needsRebuildWal.js';
import { walRemovedFor } from './needsRebuildWal.js';
import type { NodeSnapshot, ServerFacts } from './nodeSnapshot.js';

/**
 * What is wrong with the cluster at this tick, worst first (critical,
 * warning, info; then by node name). Each message is one sentence naming the
 * cause and, where there is one, the fix. `forecasts`: hours until each
 * node's pg_wal fills its file system.
 */
export function clusterAlerts(
  nodes: NodeSnapshot[],
  links: StandbyLink[],
  thresholds: Thresholds,
  now: number,
  forecasts?: ReadonlyMap<string, number>,
): Alert[] {
  const alerts = [
    ...roleAlerts(nodes, links),
    ...needsRebuildAlerts(nodes),
    ...monitoringLoginAlerts(nodes),
    ...links.flatMap((link) => linkAlerts(link, nodes, thresholds)),
    ...orphanWalsenderAlerts(nodes, links),
    ...nodes.flatMap((node) => (node.status === 'up' && node.server ? serverAlerts(node.name, node.server, thresholds, now, nodes) : [])),
    ...walFullAlerts(nodes, thresholds, forecasts),
    ...archiveCommandAlerts(nodes),
  ];
  return alerts.sort(bySeverityThenNode);
}

/**
 * Who accepts writes, and who is not answering. A node pgcockpit cannot log
 * in to is not gone when its server answered the login (too many
 * connections, password failed, ...) or a standby's WAL receiver still
 * streams from it: with no primary in sight it is most likely the primary,
 * still accepting writes, and promoting a standby would split the brain, so
 * no alert then advises a promotion.
 */
function roleAlerts(nodes: NodeSnapshot[], links: StandbyLink[]): Alert[] {
  const alerts: Alert[] = [];
  const up = nodes.filter((node) => node.status === 'up');
  const primaries = up.filter((node) => node.role === 'primary');
  const down = nodes.filter((candidate) => candidate.status === 'down');
  const streamersOf = (node: NodeSnapshot) =>
    links.filter((link) => link.upstream === node.name && link.receiverStreaming).map((link) => link.standby);
  const alive = down.filter((node) => node.serverAnswered === true || streamersOf(node).length > 0);
  if (up.length > 0 && primaries.length === 0 && alive.length === 0) {
    alerts.push({
      severity: 'critical',
      code: 'no-primary',
      message: `No primary is up (${listNames(up.map((node) => node.name))} ${up.length === 1 ? 'is' : 'are'} in recovery), so nothing accepts writes: start the primary or promote the most advanced standby`,
    });
  }
  if (primaries.length >= 2) {
    const names = primaries.map((node) => node.name);
    alerts.push({
      severity: 'critical',
      code: 'split-brain',
      message: `${listNames(names)} ${primaries.length === 2 ? 'both' : 'all'} accept writes (split brain): fence ${primaries.length === 2 ? 'one' : 'all but one'} before writes diverge further`,
    });
  }
  for (const node of down) {
    // A down node may be the primary: with no primary up, assume the worst.
    const severity = primaries.length === 0 ? 'critical' : 'warning';
    const address = `${node.name} (${node.host}:${node.port})`;
    const streamers = streamersOf(node);
    const streaming = streamers.length === 0 ? '' : `; ${listNames(streamers)} still stream${streamers.length === 1 ? 's' : ''} from it`;
    // Standbys streaming from it make it the primary; without them it may still be one.
    const likely = streamers.length > 0 ? 'it is most likely the primary and still accepts writes' : 'it may be the primary and still accept writes';
    const mayBePrimary = primaries.length === 0 ? `, ${likely}, so do not fail over to a standby` : '';
    if (node.serverAnswered) {
      const { why, fix } = loginRefusal(node.downReason);
      alerts.push({ severity, code: 'login-refused', node: node.name, message: `${address} is up but refuses pgcockpit's login: ${why}${streaming}${mayBePrimary}: ${fix}` });
    } else if (streamers.length > 0) {
      alerts.push({
        severity,
        code: 'node-unreachable',
        node: node.name,
        message: `${address} does not answer pgcockpit (${node.downReason ?? 'no answer'}) but is up${streaming}${mayBePrimary}: check the network and firewall between pgcockpit and ${node.name}`,
      });
    } else {
      alerts.push({ severity, code: 'node-down', node: node.name, message: `${address} is down: ${node.downReason ?? 'it did not answer'}` });
    }
  }
  return alerts;
}

/**
 * Each node the derivation (needsRebuild.ts, set by buildClusterView) says needs a rebuild: why, and the one
 * command. Critical while it is up (a second primary taking writes, a standby that cannot follow); a warning
 * when it is down (the old primary after a failover: the cluster serves, with one copy fewer), like node-down.
 */
function needsRebuildAlerts(nodes: NodeSnapshot[]): Alert[] {
  return nodes.flatMap((node): Alert[] =>
    node.needsRebuild
      ? [{ severity: node.status === 'up' ? 'critical' : 'warning', code: 'needs-rebuild', node: node.name, message: `${node.name} needs a rebuild: ${node.needsRebuild.reason}: ${node.needsRebuild.command}` }]
      : [],
  );
}

/**
 * A standby refused because its upstream removed WAL it needs, while the
 * archive still holds it: no copy is needed, a restore_command lets it read
 * the missing segments from the archive and then stream again. (Without the
 * archive the derivation marks it for a rebuild and needsRebuildAlerts says so.)
 */
function walRemovedAlert(removed: WalRemoved): Alert {
  const { standby, upstream, segment, evidence } = removed;
  const cause = `${standby} cannot stream: ${upstream} has removed WAL it needs (${segment}; ${evidence})`;
  const archived = removed.archived ? `, but the archive still holds it (${removed.archived.by} archived up to ${removed.archived.lastArchivedWal})` : '';
  let fix: string;
  if (removed.hasRestoreCommand) {
    fix = `${standby} has a restore_command, so it should read it from the archive: check that restore_command and ${standby}'s server log, else ${rebuildCommand(standby)}`;
  } else if (removed.restoreCommand) {
    fix = `give ${standby} restore_command = '${removed.restoreCommand}' (ALTER SYSTEM SET restore_command, then reload; restart before PostgreSQL 14), no copy needed`;
  } else {
    fix = `give ${standby} a restore_command that reads that archive (the counterpart of ${removed.archived?.by ?? upstream}'s archive_command), no copy needed`;
  }
  return { severity: 'critical', code: 'standby-wal-removed', node: standby, message: `${cause}${archived}: ${fix}` };
}

/** One standby's replication: its timeline, its receiver, both ends agreeing, and how far behind it is. */
function linkAlerts(link: StandbyLink, nodes: NodeSnapshot[], thresholds: Thresholds): Alert[] {
  const alerts: Alert[] = [];
  const standby = nodes.find((node) => node.name === link.standby);
  const upstream = nodes.find((node) => node.name === link.upstream);
  const server = standby?.server;
  const name = link.standby;

  const ownTimeline = server?.timeline ?? null;
  const upstreamTimeline = upstream?.status === 'up' ? (upstream.server?.timeline ?? null) : null;
  // A login without pg_read_all_stats reads no received_tli, so the standby's own timeline may be stale.
  const blind = cannotSeeReplication(standby) || cannotSeeReplication(upstream);
  // needsRebuildAlerts says why and the one fix: a second "check primary_conninfo" would send the DBA the wrong way.
  const rebuild = standby?.needsRebuild !== undefined;
  const walRemoved = !rebuild && standby && !link.receiverStreaming ? walRemovedFor(standby, nodes, [link]) : null;
  if (!blind && !rebuild && upstream && ownTimeline !== null && upstreamTimeline !== null && ownTimeline !== upstreamTimeline) {
    alerts.push({
      severity: 'critical',
      code: 'timeline-mismatch',
      node: name,
      message: `${name} is on timeline ${ownTimeline} but its upstream ${upstream.name} is on timeline ${upstreamTimeline}: if it does not follow by itself (recovery_target_timeline = latest), rewind it with pg_rewind or rebuild it`,
    });
  }

  if (blind && (server?.walReceiver || link.receiverStreaming)) {
    // The receiver runs but its status, sender and slot are hidden: monitoringLoginAlerts says why.
  } else if (rebuild) {
    // Said by needsRebuildAlerts.
  } else if (walRemoved) {
    alerts.push(walRemovedAlert(walRemoved));
  } else if (!link.receiverStreaming) {
    const receiver = server?.walReceiver;
    const why = receiver ? `its WAL receiver is ${receiver.status}` : 'no WAL receiver is running';
    alerts.push({
      severity: 'critical',
      code: 'standby-not-streaming',
      node: name,
      message: `${name} is not streaming (${why}): check primary_conninfo and the upstream's pg_hba.conf and server log`,
    });
  } else if (!upstream) {
    const receiver = server?.walReceiver;
    alerts.push({
      severity: 'warning',
      code: 'link-unreconciled',
      node: name,
      message: `${name} streams from ${receiver?.senderHost ?? '?'}:${receiver?.senderPort ?? '?'}, which is not a configured node: add that server to the config or fix primary_conninfo`,
    });
  } else if (!link.senderSeen && upstream.status === 'up') {
    alerts.push({
      severity: 'warning',
      code: 'link-unreconciled',
      node: name,
      message: `${name} says it streams from ${upstream.name}, but no walsender on ${upstream.name} is paired with it (by slot, address or application_name): check primary_slot_name on ${name}, or set application_name=${name} in its primary_conninfo`,
    });
  }

  // Its lag only grows until the WAL is back or it is rebuilt: the alert above says how; "check the network" would mislead.
  if (rebuild || walRemoved) return alerts;
  const behind = upstream ? ` behind ${upstream.name}` : ' behind';
  const fix = link.replayPaused
    ? 'replay is paused, resume it with pg_wal_replay_resume()'
    : "check the network, the standby's disk and long queries holding replay back";
  const bytesSeverity = overThreshold(link.lagBytes, thresholds.lagBytesWarning, thresholds.lagBytesCritical);
  if (bytesSeverity && link.lagBytes !== null) {
    const limit = bytesSeverity === 'critical' ? thresholds.lagBytesCritical : thresholds.lagBytesWarning;
    alerts.push({
      severity: bytesSeverity,
      code: 'lag-bytes',
      node: name,
      message: `${name} is ${formatBytes(link.lagBytes)}${behind} (${bytesSeverity} above ${formatBytes(limit)}): ${fix}`,
    });
  }
  const secondsSeverity = overThreshold(link.lagSeconds, thresholds.lagSecondsWarning, thresholds.lagSecondsCritical);
  if (secondsSeverity && link.lagSeconds !== null) {
    const limit = secondsSeverity === 'critical' ? thresholds.lagSecondsCritical : thresholds.lagSecondsWarning;
    alerts.push({
      severity: secondsSeverity,
      code: 'lag-seconds',
      node: name,
      message: `${name} replays ${formatDuration(link.lagSeconds)}${behind} (${secondsSeverity} above ${formatDuration(limit)}): ${fix}`,
    });
  }

  if (link.replayPaused) {
    const gap = server?.replayGapBytes;
    const pending = gap == null ? '' : `: ${formatBytes(gap)} received but not applied`;
    alerts.push({
      severity: 'warning',
      code: 'replay-paused',
      node: name,
      message: `${name} replay is paused${pending} (SELECT pg_wal_replay_resume() resumes it)`,
    });
  }
  return alerts;
}

/**
 * The other side of link-unreconciled: a walsender serving a configured
 * node's name while that node is down, not streaming, or streaming from
 * elsewhere. Another server uses its name, or pgcockpit cannot reach it.
 */
function orphanWalsenderAlerts(nodes: NodeSnapshot[], links: StandbyLink[]): Alert[] {
  const alerts: Alert[] = [];
  for (const sender of nodes) {
    if (sender.status !== 'up' || !sender.server) continue;
    for (const replica of sender.server.replicas) {
      // A walsender paired with a standby (by slot, address or name) is accounted for.
      if (links.some((link) => link.upstream === sender.name && link.walsenderPid !== null && link.walsenderPid === replica.pid)) continue;
      const named = nodes.find((node) => node.name === replica.applicationName && node !== sender);
      if (!named || cannotSeeReplication(named) || cannotSeeReplication(sender)) continue;
      const link = links.find((candidate) => candidate.standby === named.name);
      let why: string | undefined;
      if (named.status === 'down') why = `${named.name} is down from here`;
      else if (named.status === 'up' && named.role === 'primary') why = `${named.name} is a primary`;
      else if (link && !link.receiverStreaming) why = `${named.name}'s WAL receiver is not streaming`;
      else if (link?.upstream && link.upstream !== sender.name) why = `${named.name} streams from ${link.upstream}`;
      if (!why) continue;
      alerts.push({
        severity: 'warning',
        code: 'link-unreconciled',
        node: named.name,
        message: `${sender.name} has a walsender for ${named.name}${replica.clientAddr ? ` at ${replica.clientAddr}` : ''}, but ${why}: another server is using its application_name, or pgcockpit cannot reach it`,
      });
    }
  }
  return alerts;
}

/** What one server holds or fails to ship: replication slots and WAL archiving. */
function serverAlerts(name: string, server: ServerFacts, thresholds: Thresholds, now: number, nodes: NodeSnapshot[]): Alert[] {
  const alerts: Alert[] = [];
  for (const slot of server.slots) {
    if (slot.walStatus === 'lost') {
      // The configured standby whose primary_slot_name it is: its own alert says whether the archive can still feed it.
      const consumer = nodes.find((node) => node.name !== name && node.server?.settings.primary_slot_name === slot.name);
      const fix = consumer
        ? `see ${consumer.name}'s alert: the archive may still hold that WAL, else ${rebuildCommand(consumer.name)}`
        : 'rebuild that standby from a fresh base backup';
      alerts.push({
        severity: 'critical',
        code: 'slot-at-risk',
        node: name,
        message: `Slot ${slot.name} on ${name} has lost WAL its consumer still needed (max_slot_wal_keep_size): ${fix}`,
      });
    } else if (slot.walStatus === 'unreserved') {
      const left = slot.safeWalSizeBytes === null ? '' : ` (${formatBytes(Math.max(0, slot.safeWalSizeBytes))} left)`;
      alerts.push({
        severity: 'critical',
        code: 'slot-at-risk',
        node: name,
        message: `Slot ${slot.name} on ${name} is past max_slot_wal_keep_size${left} and the next checkpoint may remove WAL it needs: get its consumer streaming now or it must be rebuilt`,
      });
    } else if (!slot.active && slot.retainedBytes !== null && slot.retainedBytes > thresholds.slotRetainedBytesWarning) {
      alerts.push({
        severity: 'warning',
        code: 'slot-retaining',
        node: name,
        message: `Inactive slot ${slot.name} on ${name} holds ${formatBytes(slot.retainedBytes)} of WAL in pg_wal: bring its consumer back or drop it with SELECT pg_drop_replication_slot('${slot.name}')`,
      });
    }
  }

  const archiver = server.archiver;
  if (!archiver.enabled) return alerts;
  if (archiver.failing) {
    alerts.push({
      severity: 'critical',
      code: 'archiver-failing',
      node: name,
      message: `${name} fails to archive ${archiver.lastFailedWal ?? 'WAL'} (${archiver.failedCount} failures so far), so pg_wal keeps growing: check archive_command, the archive's free space and permissions, and the server log`,
    });
  }
  const ready = archiver.readyCount;
  const oldestAgeSeconds = archiver.oldestReadyAt === null ? null : Math.max(0, (now - archiver.oldestReadyAt) / 1000);
  const tooMany = ready !== null && ready > thresholds.archiveReadyWarning;
  const tooOld = oldestAgeSeconds !== null && oldestAgeSeconds > thresholds.archiveReadyAgeSecondsWarning;
  if (tooMany || tooOld) {
    const count = ready === null ? 'WAL segments are' : `${ready} WAL segment${ready === 1 ? ' is' : 's are'}`;
    const age = oldestAgeSeconds === null ? '' : `, the oldest for ${formatDuration(oldestAgeSeconds)}`;
    alerts.push({
      severity: 'warning',
      code: 'archive-backlog',
      node: name,
      message: `On ${name} ${count} waiting for archive_command${age}: archiving is falling behind, so point-in-time recovery lags and pg_wal grows`,
    });
  }
  return alerts;
}

function walFullAlerts(nodes: NodeSnapshot[], thresholds: Thresholds, forecasts: ReadonlyMap<string, number> | undefined): Alert[] {
  if (!forecasts) return [];
  return nodes.flatMap((node): Alert[] => {
    const hours = forecasts.get(node.name);
    if (hours === undefined || !Number.isFinite(hours) || hours > thresholds.walFullHoursWarning) return [];
    return [
      {
        severity: 'warning',
        code: 'wal-full-forecast',
        node: node.name,
        message: `${node.name}'s pg_wal will fill its file system in about ${formatDuration(Math.max(0, hours) * 3600)} at the current rate: find what holds WAL (an inactive slot, a failing archiver) or add space`,
      },
    ];
  });
}

function overThreshold(value: number | null, warning: number, critical: number): AlertSeverity | undefined {
  if (value === null) return undefined;
  if (value > critical) return 'critical';
  if (value > warning) return 'warning';
  return undefined;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Worst first; cluster-wide alerts (no node) before a node's; node names in natural order (pg2 before pg10). */
function bySeverityThenNode(a: Alert, b: Alert): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.node ?? '').localeCompare(b.node ?? '', 'en', { numeric: true });
}

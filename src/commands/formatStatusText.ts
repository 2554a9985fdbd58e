import type { ClusterView, StandbyLink } from '../services/cluster/clusterView.js';
import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import { healthExitCode, healthWord } from '../services/cluster/healthExitCode.js';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';

/** `pgcockpit status` for a person: one line per node, then the alerts. */
export function formatStatusText(cluster: string, view: ClusterView): string {
  const health = healthWord(healthExitCode(view)).toUpperCase();
  const rows = view.nodes.map((node) => {
    const link = view.links.find((candidate) => candidate.standby === node.name);
    return [node.name, roleWord(node), `${node.host}:${node.port}`, timeline(node), lsn(node), lag(link), notes(node, link)];
  });
  const header = ['NODE', 'ROLE', 'ADDRESS', 'TL', 'LSN', 'LAG', 'NOTES'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const alerts = view.alerts.length
    ? view.alerts.map((alert) => `  ${alert.severity.toUpperCase().padEnd(8)}  ${alert.message}`)
    : ['  none'];
  return [
    `cluster ${cluster}: ${health} at ${new Date(view.at).toISOString()}`,
    line(header),
    ...rows.map(line),
    'alerts:',
    ...alerts,
    '',
  ].join('\n');
}

function roleWord(node: NodeSnapshot): string {
  // The server answered but refused the login: it is up (and may be the primary).
  if (node.status === 'down' && node.serverAnswered) return '✗ NO LOGIN';
  if (node.status === 'down') return '✗ DOWN';
  if (node.status === 'unknown') return '?';
  return node.role === 'primary' ? 'PRIMARY' : 'STANDBY';
}

function timeline(node: NodeSnapshot): string {
  const server = node.server;
  if (server?.timeline == null) return '';
  // Kept from the WAL receiver, now gone (the server alone would show an older one).
  return server.timelineLastSeen ? `${server.timeline} (last seen)` : String(server.timeline);
}

function lsn(node: NodeSnapshot): string {
  const server = node.server;
  if (!server) return '';
  if (node.role === 'primary') return server.currentLsn ?? '';
  return `${server.receiveLsn ?? '?'} / ${server.replayLsn ?? '?'}`;
}

function lag(link: StandbyLink | undefined): string {
  if (!link) return '';
  if (link.caughtUp) return 'caught up';
  const bytes = link.lagBytes === null ? '?' : formatBytes(link.lagBytes);
  const seconds = link.lagSeconds === null ? '' : ` / ${formatDuration(link.lagSeconds)}`;
  return `${bytes}${seconds}${link.replayPaused ? ' PAUSED' : ''}`;
}

function notes(node: NodeSnapshot, link: StandbyLink | undefined): string {
  // First, so a cut line keeps it: the alert below says why.
  const rebuild = node.needsRebuild ? `⚠ NEEDS REBUILD (${node.needsRebuild.command})` : '';
  const rest = otherNotes(node, link);
  return rebuild && rest ? `${rebuild}, ${rest}` : rebuild || rest;
}

function otherNotes(node: NodeSnapshot, link: StandbyLink | undefined): string {
  if (node.status === 'down') return `${node.serverAnswered ? 'up, refuses login: ' : ''}${node.downReason ?? ''}`;
  const server = node.server;
  if (!server) return '';
  const parts: string[] = [];
  if (link?.upstream) parts.push(`from ${link.upstream}`);
  // Named after the standby each walsender was paired with; a cascading standby lists its own.
  if (server.replicas.length) {
    const names = server.replicas.map((row) => row.standby ?? row.applicationName);
    parts.push(`replicas ${names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(' ')}`);
  }
  if (server.slots.length) {
    const held = server.slots.reduce((sum, slot) => sum + (slot.retainedBytes ?? 0), 0);
    parts.push(`${server.slots.length} slot(s) holding ${formatBytes(held)}`);
  }
  const archiver = server.archiver;
  if (archiver.enabled) {
    const backlog = archiver.readyCount === null ? 'backlog unknown (needs pg_monitor)' : `${archiver.readyCount} waiting`;
    parts.push(`archiver ${archiver.failing ? 'FAILING' : 'ok'}, ${backlog}`);
  }
  return parts.join(', ');
}

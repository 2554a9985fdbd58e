import { lsnDiffBytes } from '../postgres/lsn.js';
import type { StandbyLink } from './clusterView.js';
import type { NodeSnapshot, ReplicaLink } from './nodeSnapshot.js';

/**
 * One link per standby that answered its poll, reconciling both ends: the
 * standby's WAL receiver (whom it streams from) and the upstream's walsender
 * rows (pg_stat_replication: whom it streams to).
 */
export function deriveLinks(nodes: NodeSnapshot[], now: number): StandbyLink[] {
  return nodes
    .filter((node) => node.status === 'up' && node.role === 'standby')
    .map((standby) => deriveLink(standby, nodes, now));
}

function deriveLink(standby: NodeSnapshot, nodes: NodeSnapshot[], now: number): StandbyLink {
  const server = standby.server;
  const upstream = findUpstream(standby, nodes);
  const row = upstream ? findReplicaRow(upstream, standby, nodes) : undefined;
  const lagBytes = clampToZero(row?.replayLagBytes ?? upstreamLsnGap(upstream, standby));
  const replayGapBytes = server?.replayGapBytes ?? null;
  const caughtUp = lagBytes === 0 && (replayGapBytes === null || replayGapBytes === 0);
  return {
    standby: standby.name,
    upstream: upstream?.name ?? null,
    receiverStreaming: server?.walReceiver?.status === 'streaming',
    senderSeen: row !== undefined,
    // Replay paused: the byte lag stays as measured; it is what shows the stall.
    lagBytes,
    lagSeconds: lagSecondsIdleSafe(caughtUp, lagBytes, replayGapBytes, row, server?.lastReplayedXactAt ?? null, now),
    caughtUp,
    replayPaused: server?.replayPaused === true,
  };
}

/**
 * The node at the receiver's sender_host:sender_port. Without a receiver (or
 * a sender address) the standby is not streaming now, so the only primary
 * that is up is the best guess; with several or none, nobody.
 */
function findUpstream(standby: NodeSnapshot, nodes: NodeSnapshot[]): NodeSnapshot | undefined {
  const receiver = standby.server?.walReceiver;
  if (receiver?.senderHost != null && receiver.senderPort != null) {
    // A socket directory in primary_conninfo means a server on the standby's own machine.
    const senderHost = receiver.senderHost.startsWith('/') ? standby.host : receiver.senderHost;
    return nodes.find(
      (node) => node !== standby && node.port === receiver.senderPort && sameHost(node.host, senderHost),
    );
  }
  const primaries = nodes.filter((node) => node.status === 'up' && node.role === 'primary');
  return primaries.length === 1 ? primaries[0] : undefined;
}

/**
 * The upstream's walsender row for this standby: by application_name (its
 * cluster_name), else the one row from its address. That fallback skips rows
 * named after another configured node and base backups, which also connect
 * over replication and would otherwise pass for the standby.
 */
function findReplicaRow(upstream: NodeSnapshot, standby: NodeSnapshot, nodes: NodeSnapshot[]): ReplicaLink | undefined {
  const replicas = upstream.server?.replicas ?? [];
  const byName = replicas.find((replica) => replica.applicationName === standby.name);
  if (byName) return byName;
  const otherNames = new Set(nodes.filter((node) => node !== standby).map((node) => node.name));
  const fromItsAddress = replicas.filter(
    (replica) =>
      replica.clientAddr !== null &&
      replica.state !== 'backup' &&
      !otherNames.has(replica.applicationName) &&
      sameHost(replica.clientAddr, standby.host),
  );
  return fromItsAddress.length === 1 ? fromItsAddress[0] : undefined;
}

/**
 * Without a walsender row: how far the standby's replay is behind what its
 * upstream has. A cascading upstream is itself in recovery, so what it has is
 * what it received.
 */
function upstreamLsnGap(upstream: NodeSnapshot | undefined, standby: NodeSnapshot): number | null {
  const facts = upstream?.status === 'up' ? upstream.server : undefined;
  if (!facts || !upstream) return null;
  const upstreamHas = upstream.role === 'standby' ? facts.receiveLsn : facts.currentLsn;
  return lsnDiffBytes(upstreamHas, standby.server?.replayLsn);
}

/**
 * Time lag that stays honest when the primary is idle, where PostgreSQL's two
 * sources mislead:
 * - pg_stat_replication.replay_lag goes NULL once the standby has caught up
 *   and no WAL is being written ("the most recently measured lag times will
 *   continue to be displayed for a short time and then show NULL");
 * - now() − pg_last_xact_replay_timestamp() grows forever while nothing
 *   commits on the primary, though the standby is fully current.
 * So: caught up is 0 s; else replay_lag; else, only when the standby is known
 * to be behind, the age of the last replayed commit; else unknown.
 */
function lagSecondsIdleSafe(
  caughtUp: boolean,
  lagBytes: number | null,
  replayGapBytes: number | null,
  row: ReplicaLink | undefined,
  lastReplayedXactAt: number | null,
  now: number,
): number | null {
  if (caughtUp) return 0;
  if (row?.replayLagSeconds != null) return row.replayLagSeconds;
  const knownBehind = (lagBytes ?? 0) > 0 || (replayGapBytes ?? 0) > 0;
  if (!knownBehind || lastReplayedXactAt === null) return null;
  // Clocks of the jump host and the standby may disagree by a little.
  return Math.max(0, (now - lastReplayedXactAt) / 1000);
}

function clampToZero(bytes: number | null): number | null {
  // A standby that reports a position past its upstream's (polls are not atomic) is not behind.
  return bytes === null ? null : Math.max(0, bytes);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']);

/** Host names as written in the config and as PostgreSQL reports addresses: loopback spellings are one host. */
function sameHost(a: string, b: string): boolean {
  return canonicalHost(a) === canonicalHost(b);
}

function canonicalHost(host: string): string {
  // inet values print with a mask ("10.0.0.12/32"); IPv6 may come in brackets.
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\/(32|128)$/, '');
  return LOOPBACK.has(bare) ? 'loopback' : bare;
}

import { lsnDiffBytes } from '../postgres/lsn.js';
import type { StandbyLink } from './clusterView.js';
import type { NodeSnapshot, ReplicaLink } from './nodeSnapshot.js';
import type { WalsenderPairing } from './pairWalsenders.js';
import { pairWalsenders } from './pairWalsenders.js';
import { sameHost } from './sameHost.js';

/**
 * One link per standby that answered its poll, reconciling both ends: the
 * standby's WAL receiver (whom it streams from) and the upstream's walsender
 * rows (pg_stat_replication: whom it streams to), paired by pairWalsenders.
 */
export function deriveLinks(nodes: NodeSnapshot[], now: number): StandbyLink[] {
  const standbys = nodes.filter((node) => node.status === 'up' && node.role === 'standby');
  const upstreams = new Map(standbys.map((standby) => [standby, findUpstream(standby, nodes)]));
  const pairings = new Map<NodeSnapshot, WalsenderPairing>();
  for (const upstream of new Set(upstreams.values())) {
    if (!upstream) continue;
    const downstream = standbys.filter((standby) => upstreams.get(standby) === upstream);
    for (const [standby, pairing] of pairWalsenders(upstream, downstream, nodes)) pairings.set(standby, pairing);
  }
  return standbys.map((standby) => deriveLink(standby, upstreams.get(standby), pairings.get(standby), now));
}

function deriveLink(standby: NodeSnapshot, upstream: NodeSnapshot | undefined, pairing: WalsenderPairing | undefined, now: number): StandbyLink {
  const server = standby.server;
  const row = pairing?.row;
  const lagBytes = clampToZero(row?.replayLagBytes ?? upstreamLsnGap(upstream, standby));
  const replayGapBytes = server?.replayGapBytes ?? null;
  const caughtUp = lagBytes === 0 && (replayGapBytes === null || replayGapBytes === 0);
  return {
    standby: standby.name,
    upstream: upstream?.name ?? null,
    receiverStreaming: server?.walReceiver?.status === 'streaming',
    senderSeen: row !== undefined,
    walsenderPid: row?.pid ?? null,
    pairedBy: pairing?.pairedBy ?? null,
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

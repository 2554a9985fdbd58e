import { parseLsn } from '../postgres/lsn.js';
import { rebuildCommand } from './rebuildCommand.js';
import type { StandbyLink } from './clusterView.js';
import { cannotSeeReplication } from './monitoringLoginAlerts.js';
import { walRemovedFor } from './needsRebuildWal.js';
import type { NeedsRebuildFact, NodeSnapshot } from './nodeSnapshot.js';

export { rebuildCommand } from './rebuildCommand.js';

/**
 * Which nodes need a rebuild, derived from what the nodes say at this look
 * (nothing remembered, so `status` after a failover run elsewhere says it too):
 * - a node up as a primary beside the primary the others follow: the old
 *   primary started again after a failover. Its writes since the fork are on
 *   no other node's history; it can only rejoin as a standby by pg_rewind or a fresh copy;
 * - a standby not streaming whose WAL left the primary's history: on a
 *   timeline newer than the primary's, on one the primary never came from, or
 *   past the point where the primary's history left its timeline (the history
 *   file's switch point). The walsender refuses it ("requested starting point
 *   ... is not in this server's history") and no setting cures that;
 * - a standby not streaming whose upstream removed the WAL it needs while the
 *   archive does not hold it either (see needsRebuildWal.ts).
 * A node streaming from its upstream never needs one here.
 */
export function deriveNeedsRebuild(nodes: readonly NodeSnapshot[], links: readonly StandbyLink[]): Map<string, NeedsRebuildFact> {
  const facts = new Map<string, NeedsRebuildFact>();
  const primary = followedPrimary(nodes, links);
  if (!primary?.server) return facts;
  const fact = (cause: NeedsRebuildFact['cause'], node: string, reason: string) => facts.set(node, { cause, reason, command: rebuildCommand(node) });
  const primaryTimeline = primary.server.timeline;

  for (const node of nodes) {
    if (node === primary || node.status !== 'up' || !node.server) continue;
    const timeline = node.server.timeline;
    if (node.role === 'primary') {
      const on = timeline === null ? '' : ` on timeline ${timeline}`;
      fact('second-primary', node.name, `up as a primary${on} beside ${primary.name} (timeline ${primaryTimeline ?? '?'}), which the standbys follow: its writes since the fork are on no other node`);
      continue;
    }
    const link = links.find((candidate) => candidate.standby === node.name);
    if (node.role !== 'standby' || link?.receiverStreaming || cannotSeeReplication(node)) continue;
    const forked = forkedFrom(node, primary);
    if (forked) {
      fact('forked', node.name, forked);
      continue;
    }
    const removed = walRemovedFor(node, nodes, links);
    if (removed && !removed.archived) {
      fact('wal-removed', node.name, `the WAL it needs (${removed.segment}) is gone: ${removed.evidence}, and the archive does not hold it`);
    }
  }
  return facts;
}

/** The nodes with their fact set (nodes needing none keep their object: panes are memoised). */
export function withNeedsRebuild(nodes: NodeSnapshot[], links: readonly StandbyLink[]): NodeSnapshot[] {
  const facts = deriveNeedsRebuild(nodes, links);
  if (facts.size === 0) return nodes;
  return nodes.map((node) => {
    const fact = facts.get(node.name);
    return fact ? { ...node, needsRebuild: fact } : node;
  });
}

/**
 * The primary the cluster follows: the only one up, else the one most
 * standbys stream from, else (nobody streams: a two-node cluster) the one on
 * the newest timeline. Undecided (undefined) when that still ties.
 */
export function followedPrimary(nodes: readonly NodeSnapshot[], links: readonly StandbyLink[]): NodeSnapshot | undefined {
  const primaries = nodes.filter((node) => node.status === 'up' && node.role === 'primary');
  if (primaries.length <= 1) return primaries[0];
  const followers = (node: NodeSnapshot) => links.filter((link) => link.upstream === node.name && link.receiverStreaming).length;
  const ranked = primaries
    .map((node) => ({ node, followers: followers(node), timeline: node.server?.timeline ?? -1 }))
    .sort((a, b) => b.followers - a.followers || b.timeline - a.timeline);
  const [first, second] = ranked;
  if (!first || (second && second.followers === first.followers && second.timeline === first.timeline)) return undefined;
  return first.node;
}

/**
 * Why a standby's WAL is off the primary's history, or null when it is on it
 * (or that cannot be told: the history file is unreadable to this login).
 */
function forkedFrom(standby: NodeSnapshot, primary: NodeSnapshot): string | null {
  const timeline = standby.server?.timeline ?? null;
  const primaryTimeline = primary.server?.timeline ?? null;
  if (timeline === null || primaryTimeline === null || timeline === primaryTimeline) return null;
  if (timeline > primaryTimeline) {
    return `on timeline ${timeline}, newer than ${primary.name}'s ${primaryTimeline}: it went on from a promotion ${primary.name} never saw`;
  }
  const history = primary.server?.timelineHistory;
  if (!history) return null;
  const fork = history.find((line) => line.timeline === timeline);
  if (!fork) return `on timeline ${timeline}, which is not in ${primary.name}'s history (timeline ${primaryTimeline})`;
  const position = furthest(standby.server?.receiveLsn ?? null, standby.server?.replayLsn ?? null);
  if (position === null || parseLsn(position) <= parseLsn(fork.switchpoint)) return null;
  return `on timeline ${timeline} up to ${position}, past ${fork.switchpoint} where ${primary.name}'s history left timeline ${timeline}`;
}

function furthest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return parseLsn(a) >= parseLsn(b) ? a : b;
}

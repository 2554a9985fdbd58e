import type { ClusterView } from '../services/cluster/clusterView.js';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';

/**
 * The nodes the panes mark NEEDS REBUILD once a look is in: those the look
 * itself derives (each node's needsRebuild, services/cluster/needsRebuild.ts:
 * the cluster's own word, whoever ran the failover) plus those remembered
 * (an operation's outcome, or an earlier look), so a node keeps its mark
 * while it is down and the look cannot see it; a node streaming on the
 * primary's timeline loses it (stillNeedingRebuild).
 */
export function needingRebuildAfterLook(marked: readonly string[], view: Pick<ClusterView, 'nodes'>): readonly string[] {
  const derived = view.nodes.filter((node) => node.needsRebuild !== undefined && !marked.includes(node.name)).map((node) => node.name);
  return stillNeedingRebuild(derived.length > 0 ? [...marked, ...derived] : marked, view);
}

/**
 * The nodes still needing a rebuild once the live view is in: a node marked
 * after a failover (it stayed on the old timeline) is cleared when it
 * streams again as a standby on the timeline of the one writable primary.
 * A standby whose WAL receiver is streaming with received_tli equal to the
 * primary's timeline has followed the timeline switch, so its data is on
 * the new history (PostgreSQL refuses to stream a timeline whose history
 * does not contain the standby's position: "requested starting point ... is
 * ahead of the WAL flush position" or "... not in this server's history").
 */
export function stillNeedingRebuild(marked: readonly string[], view: Pick<ClusterView, 'nodes'>): readonly string[] {
  if (marked.length === 0) return marked;
  const primaries = view.nodes.filter((node) => node.status === 'up' && node.role === 'primary');
  const timeline = primaries.length === 1 ? primaries[0]!.server?.timeline : null;
  if (timeline === null || timeline === undefined) return marked;
  const kept = marked.filter((name) => !streamsOnTimeline(view.nodes.find((node) => node.name === name), timeline));
  return kept.length === marked.length ? marked : kept;
}

function streamsOnTimeline(node: NodeSnapshot | undefined, timeline: number): boolean {
  const receiver = node?.server?.walReceiver;
  return node?.status === 'up' && node.role === 'standby' && receiver?.status === 'streaming' && receiver.receivedTimeline === timeline;
}

/**
 * The marks once an operation's outcome is in: the nodes it rebuilt lose
 * theirs, the nodes it left on an old timeline (a failover's old primary) gain one.
 */
export function marksAfterOutcome(
  marked: readonly string[],
  outcome: { needsRebuild?: readonly string[]; rebuilt?: readonly string[] },
): readonly string[] {
  const rebuilt = outcome.rebuilt ?? [];
  const kept = rebuilt.length > 0 ? marked.filter((name) => !rebuilt.includes(name)) : marked;
  const added = (outcome.needsRebuild ?? []).filter((name) => !kept.includes(name));
  return added.length > 0 ? [...kept, ...added] : kept;
}

import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { parseLsn } from '../postgres/lsn.js';
import type { ControlData } from '../runbooks/switchover/controlData.js';
import { controlDataCommand } from '../runbooks/serviceControl.js';
import { parseControlData } from '../runbooks/switchover/controlData.js';
import { runCollected } from '../runner/runChecked.js';
import type { NodeRunners } from '../runner/nodeRunners.js';
import { clusterAlerts } from './clusterAlerts.js';
import type { ClusterView } from './clusterView.js';
import { followedPrimary, rebuildCommand } from './needsRebuild.js';
import type { NeedsRebuildFact, NodeSnapshot } from './nodeSnapshot.js';

/** pg_controldata states of a server that ran as a primary: crashed (or running) and cleanly stopped. */
const PRIMARY_STATES = new Set(['in production', 'shut down']);

/**
 * Whether a node that is down has data off the primary's history, from its
 * pg_controldata (read on its host) and the primary's timeline history:
 * - its last checkpoint on a timeline newer than the primary's;
 * - on an older timeline, its last checkpoint past the point where the
 *   primary's history left that timeline (or that timeline not in it);
 * - on an older timeline, stopped as a primary without a clean shutdown
 *   ("in production": the old primary SIGKILLed or crashed): it has WAL past
 *   its last checkpoint, how far only its pg_wal knows, so it is treated as
 *   forked, as the failover that left it behind does.
 * When the primary's history cannot be read, a node that ran as a primary on
 * an older timeline is the old primary, and needs one. Null when it can follow.
 */
export function downNodeForked(control: ControlData, primary: NodeSnapshot): string | null {
  const timeline = control.timeline;
  const primaryTimeline = primary.server?.timeline ?? null;
  if (timeline === null || primaryTimeline === null || timeline === primaryTimeline) return null;
  const checkpoint = control.latestCheckpointLsn;
  if (timeline > primaryTimeline) return `stopped on timeline ${timeline}, newer than ${primary.name}'s ${primaryTimeline}`;
  const wasPrimary = PRIMARY_STATES.has(control.clusterState);
  const history = primary.server?.timelineHistory;
  if (!history) {
    return wasPrimary ? `stopped as a primary on timeline ${timeline} (${control.clusterState}), while ${primary.name} is the primary on timeline ${primaryTimeline}` : null;
  }
  const fork = history.find((line) => line.timeline === timeline);
  if (!fork) return `stopped on timeline ${timeline}, which is not in ${primary.name}'s history (timeline ${primaryTimeline})`;
  if (parseLsn(checkpoint) > parseLsn(fork.switchpoint)) {
    return `stopped on timeline ${timeline} with its last checkpoint at ${checkpoint}, past ${fork.switchpoint} where ${primary.name}'s history left timeline ${timeline}`;
  }
  if (control.clusterState === 'in production') {
    return `crashed as a primary on timeline ${timeline} (its WAL runs on past its last checkpoint ${checkpoint}), and ${primary.name}'s history left timeline ${timeline} at ${fork.switchpoint}`;
  }
  return null;
}

/** pg_controldata on the node's host, as its OS user (read-only, LC_ALL=C), in the time a poll gets; null when it cannot be read. */
async function readControlData(node: NodeConfig, runners: NodeRunners): Promise<ControlData | null> {
  if (!node.dataDir) return null;
  try {
    const run = await runCollected(runners.forNode(node.name), { ...controlDataCommand(node), timeoutMs: 5_000 });
    return run.result.exitCode === 0 ? parseControlData(run.stdout) : null;
  } catch {
    return null;
  }
}

/**
 * The view with the down nodes' needsRebuild added, asked of their hosts
 * (what `status` does: a look from a fresh process, remembering no
 * failover). A server that answered (it runs, only refuses pgcockpit's
 * login) is left alone: its control file is being written. The alerts are
 * derived again so a needs-rebuild alert says it.
 */
export async function withDownNodesAsked(view: ClusterView, config: CockpitConfig, runners: NodeRunners): Promise<ClusterView> {
  const primary = followedPrimary(view.nodes, view.links);
  if (!primary?.server) return view;
  const asked = view.nodes.filter((node) => node.status === 'down' && !node.serverAnswered && !node.needsRebuild);
  const facts = new Map<string, NeedsRebuildFact>();
  await Promise.all(
    asked.map(async (node) => {
      const nodeConfig = config.nodes.find((candidate) => candidate.name === node.name);
      const control = nodeConfig ? await readControlData(nodeConfig, runners) : null;
      const reason = control ? downNodeForked(control, primary) : null;
      if (reason) facts.set(node.name, { cause: 'forked', reason, command: rebuildCommand(node.name) });
    }),
  );
  if (facts.size === 0) return view;
  const nodes = view.nodes.map((node) => {
    const fact = facts.get(node.name);
    return fact ? { ...node, needsRebuild: fact } : node;
  });
  return { ...view, nodes, alerts: clusterAlerts(nodes, view.links, config.thresholds, view.at) };
}

import type { Thresholds } from '../config/schema.js';
import { clusterAlerts } from './clusterAlerts.js';
import type { ClusterView, StandbyLink } from './clusterView.js';
import { deriveLinks } from './deriveLinks.js';
import { withNeedsRebuild } from './needsRebuild.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

/** One tick's snapshots become the cluster view: links between the nodes, then what is wrong. */
export function buildClusterView(
  nodes: NodeSnapshot[],
  thresholds: Thresholds,
  now: number,
  forecasts?: ReadonlyMap<string, number>,
): ClusterView {
  const links = deriveLinks(nodes, now);
  // Each node's needsRebuild is derived here, at every look, from what the nodes say (needsRebuild.ts).
  const named = withNeedsRebuild(nameWalsenders(nodes, links), links);
  return { nodes: named, links, alerts: clusterAlerts(named, links, thresholds, now, forecasts), at: now };
}

/**
 * Each walsender row paired with a standby gets that standby's name, so a
 * pane lists "pg3" rather than the "walreceiver" pg_basebackup -R leaves as
 * application_name. Nodes with nothing to name keep their object (panes are memoised).
 */
function nameWalsenders(nodes: NodeSnapshot[], links: StandbyLink[]): NodeSnapshot[] {
  return nodes.map((node) => {
    const server = node.server;
    const served = links.filter((link) => link.upstream === node.name && link.walsenderPid !== null);
    if (!server || served.length === 0) return node;
    const replicas = server.replicas.map((row) => {
      const link = served.find((candidate) => candidate.walsenderPid === row.pid);
      return link ? { ...row, standby: link.standby } : row;
    });
    return { ...node, server: { ...server, replicas } };
  });
}

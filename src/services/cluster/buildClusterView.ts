import type { Thresholds } from '../config/schema.js';
import { clusterAlerts } from './clusterAlerts.js';
import type { ClusterView } from './clusterView.js';
import { deriveLinks } from './deriveLinks.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

/** One tick's snapshots become the cluster view: links between the nodes, then what is wrong. */
export function buildClusterView(
  nodes: NodeSnapshot[],
  thresholds: Thresholds,
  now: number,
  forecasts?: ReadonlyMap<string, number>,
): ClusterView {
  const links = deriveLinks(nodes, now);
  return { nodes, links, alerts: clusterAlerts(nodes, links, thresholds, now, forecasts), at: now };
}

import type { CockpitConfig } from '../config/schema.js';
import { buildClusterView } from './buildClusterView.js';
import type { ClusterView } from './clusterView.js';
import { NodeConnection } from './nodeConnection.js';

/** One look at the whole cluster: every node polled once, concurrently, then disconnected. */
export async function collectClusterView(config: CockpitConfig, timeoutMs = 5000): Promise<ClusterView> {
  const connections = config.nodes.map(
    (node) => new NodeConnection(node, config, { connectTimeoutMs: timeoutMs, statementTimeoutMs: timeoutMs }),
  );
  try {
    const snapshots = await Promise.all(connections.map((connection) => connection.poll()));
    return buildClusterView(snapshots, config.thresholds, Date.now());
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}

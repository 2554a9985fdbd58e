import type { CockpitConfig } from '../config/schema.js';
import { buildClusterView } from './buildClusterView.js';
import type { ClusterView } from './clusterView.js';
import { NodeConnection } from './nodeConnection.js';

export interface ClusterLooks {
  /** Every node polled once, concurrently. */
  look(): Promise<ClusterView>;
  close(): Promise<void>;
}

/**
 * Repeated looks at the cluster over connections kept between looks (what
 * `status --watch` does): each node's connection remembers what one poll
 * cannot know, such as a standby's last received timeline.
 */
export function openClusterLooks(config: CockpitConfig, timeoutMs = 5000): ClusterLooks {
  const connections = config.nodes.map(
    (node) => new NodeConnection(node, config, { connectTimeoutMs: timeoutMs, statementTimeoutMs: timeoutMs }),
  );
  return {
    look: async () => {
      const snapshots = await Promise.all(connections.map((connection) => connection.poll()));
      return buildClusterView(snapshots, config.thresholds, Date.now());
    },
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

/** One look at the whole cluster: every node polled once, concurrently, then disconnected. */
export async function collectClusterView(config: CockpitConfig, timeoutMs = 5000): Promise<ClusterView> {
  const looks = openClusterLooks(config, timeoutMs);
  try {
    return await looks.look();
  } finally {
    await looks.close();
  }
}

import type { BaseBackupEntry } from '../backups/baseBackupEntry.js';
import { collectClusterView } from '../cluster/collectClusterView.js';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';

/**
 * The node whose archive a recoverable window is read from: the one named,
 * archive.host's node, the primary that is up, the node the newest backup
 * came from, else the first node.
 */
export async function archiveNodeOf(config: CockpitConfig, named: string | undefined, backups: readonly BaseBackupEntry[]): Promise<NodeConfig> {
  const byName = (name: string | undefined) => config.nodes.find((node) => node.name === name);
  const chosen = byName(named) ?? byName(config.archive?.host);
  if (chosen) return chosen;
  const view = await collectClusterView(config, 5000).catch(() => undefined);
  const primary = view?.nodes.find((node) => node.status === 'up' && node.role === 'primary')?.name;
  return byName(primary) ?? byName(backups[0]?.node) ?? config.nodes[0]!;
}

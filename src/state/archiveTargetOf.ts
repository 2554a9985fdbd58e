import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';

/**
 * The node `A` opens the archive for. Archiving is the primary's business: a
 * standby archives nothing unless archive_mode = always, and ALTER SYSTEM
 * fails on it (it is read-only). So: the selected node when it is a primary
 * that is up, else the primary that is up (as `pgcockpit archive setup`
 * picks without --node), else the selected node, whose plan then says why it
 * cannot be read. Undefined: no node at all.
 */
export function archiveTargetOf(nodes: readonly Pick<NodeSnapshot, 'name' | 'role' | 'status'>[], selected: number): string | undefined {
  const chosen = nodes[selected];
  const isPrimary = (node: Pick<NodeSnapshot, 'role' | 'status'> | undefined) => node?.status === 'up' && node.role === 'primary';
  if (isPrimary(chosen)) return chosen!.name;
  return nodes.find(isPrimary)?.name ?? chosen?.name;
}

import type { ClusterView } from './clusterView.js';
import type { ReplicationSlot } from './nodeSnapshot.js';

/** The slots a node held when it last answered, and when that was (ms since the epoch). */
export interface LastSeenSlots {
  at: number;
  slots: ReplicationSlot[];
}

/**
 * The slots of every node that answered this tick; a node that did not keeps
 * what it had. A failover reads them for the dead primary, whose own slots
 * (pg_receivewal's, a backup tool's, logical ones) cannot be read any more.
 */
export function rememberSlots(previous: Readonly<Record<string, LastSeenSlots>>, view: ClusterView): Record<string, LastSeenSlots> {
  const answered = view.nodes.filter((node) => node.status === 'up' && node.server);
  if (answered.length === 0) return previous as Record<string, LastSeenSlots>;
  return { ...previous, ...Object.fromEntries(answered.map((node) => [node.name, { at: node.polledAt ?? view.at, slots: node.server!.slots }])) };
}

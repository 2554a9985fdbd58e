import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import type { ReplicaLink } from '../services/cluster/nodeSnapshot.js';

/**
 * A walsender's lag in one stable form. With nothing left to replay the
 * standby is caught up, whatever replay_lag says: PostgreSQL keeps the last
 * measured round trip (0.1 s) for a while after the standby caught up, then
 * turns it NULL once the primary is idle, so on an idle cluster the seconds
 * would flicker between "0.1 s", "0 s" and nothing.
 */
export function replicaLagText(replica: Pick<ReplicaLink, 'replayLagBytes' | 'replayLagSeconds'>): string {
  if (replica.replayLagBytes === 0) return '✓ caught up';
  const bytes = replica.replayLagBytes === null ? 'lag unknown' : `lag ${formatBytes(replica.replayLagBytes)}`;
  return replica.replayLagSeconds === null ? bytes : `${bytes} ${formatDuration(replica.replayLagSeconds)}`;
}

/** The seconds column of the detail's replica table: 0 s once nothing is left to replay (see replicaLagText). */
export function replicaLagSecondsText(replica: Pick<ReplicaLink, 'replayLagBytes' | 'replayLagSeconds'>): string {
  if (replica.replayLagBytes === 0) return '0 s';
  return replica.replayLagSeconds === null ? '—' : formatDuration(replica.replayLagSeconds);
}

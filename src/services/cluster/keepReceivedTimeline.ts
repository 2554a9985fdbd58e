import type { NodeSnapshot } from './nodeSnapshot.js';

export interface TimelineMemory {
  snapshot: NodeSnapshot;
  /** The timeline the standby's WAL receiver last reported; carry it to the next poll. */
  lastReceived: number | undefined;
}

/**
 * A standby's timeline never goes backwards in the view. While its WAL
 * receiver runs, pg_stat_wal_receiver.received_tli is current. Once it stops
 * (the upstream is gone), the server only knows the timeline of its last
 * restartpoint and minimum recovery point, which can be the one before a
 * timeline switch it already replayed (restartpoints follow checkpoint_timeout,
 * not the switch). So the last received timeline is kept, marked as last seen,
 * until the receiver reports again. A primary's timeline comes from its current
 * WAL file and is always current: the memory is dropped.
 */
export function keepReceivedTimeline(snapshot: NodeSnapshot, lastReceived: number | undefined): TimelineMemory {
  const server = snapshot.server;
  if (snapshot.status !== 'up' || !server) return { snapshot, lastReceived };
  if (snapshot.role !== 'standby') return { snapshot, lastReceived: undefined };
  const received = server.walReceiver?.receivedTimeline ?? null;
  if (received !== null) return { snapshot, lastReceived: received };
  if (lastReceived === undefined || (server.timeline !== null && server.timeline > lastReceived)) return { snapshot, lastReceived };
  return { snapshot: { ...snapshot, server: { ...server, timeline: lastReceived, timelineLastSeen: true } }, lastReceived };
}

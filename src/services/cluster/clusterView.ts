import type { NodeSnapshot } from './nodeSnapshot.js';

/** One standby's view of its replication, both ends reconciled. */
export interface StandbyLink {
  standby: string;
  /** The node it streams from, when found among the configured nodes. */
  upstream: string | null;
  /** Streaming per the standby's WAL receiver. */
  receiverStreaming: boolean;
  /** A walsender row for it exists on the upstream. */
  senderSeen: boolean;
  /** That walsender's pid on the upstream (its pg_stat_replication row), when seen. */
  walsenderPid: number | null;
  /** What paired the two ends (see deriveLinks); null when no walsender row was found. */
  pairedBy: LinkPairing | null;
  /** Bytes of WAL the upstream has that the standby has not replayed. */
  lagBytes: number | null;
  /** Seconds behind, idle-safe: 0 when caught up, null when unknown. */
  lagSeconds: number | null;
  /** receive = replay and the upstream's replay lag is 0 bytes. */
  caughtUp: boolean;
  replayPaused: boolean;
}

/**
 * slot: the standby's receiver slot is the upstream slot whose active_pid is
 * the walsender's pid; address: the one walsender from the standby's host;
 * application_name: the walsender named after the standby.
 */
export type LinkPairing = 'slot' | 'address' | 'application_name';

export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface Alert {
  severity: AlertSeverity;
  /** Stable identifier, e.g. "split-brain", "standby-not-streaming", for tests and filters. */
  code: string;
  /** The node it concerns, when one. */
  node?: string;
  /** One sentence with the cause, e.g. "pg2 replay is paused: 12 MB received but not applied". */
  message: string;
}

/** The cluster at one tick: every node, the links between them, and what is wrong. */
export interface ClusterView {
  nodes: NodeSnapshot[];
  links: StandbyLink[];
  alerts: Alert[];
  at: number;
}

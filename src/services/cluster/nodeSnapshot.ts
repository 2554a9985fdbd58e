/** What the cockpit knows about one node after a poll. */
export type NodeRole = 'primary' | 'standby' | 'unknown';

export interface NodeSnapshot {
  name: string;
  host: string;
  port: number;
  /** up: answered this tick; down: did not (see downReason); unknown: not polled yet. */
  status: 'up' | 'down' | 'unknown';
  /** From pg_is_in_recovery(): true = standby (read-only), false = primary. */
  role: NodeRole;
  /** Why the node is down, in words a DBA can act on. */
  downReason?: string;
  serverVersion?: string;
  /** When this snapshot was taken (ms since epoch). */
  polledAt?: number;
}

export function unpolledSnapshot(node: { name: string; host: string; port: number }): NodeSnapshot {
  return { name: node.name, host: node.host, port: node.port, status: 'unknown', role: 'unknown' };
}

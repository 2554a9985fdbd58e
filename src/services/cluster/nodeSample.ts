/** One point of a node's recent past, for sparklines and the pg_wal forecast. */
export interface NodeSample {
  at: number;
  /** Standby: bytes behind its upstream. */
  lagBytes: number | null;
  /** Standby: seconds behind (idle-safe). */
  lagSeconds: number | null;
  /** All slots on the node together: WAL kept from recycling. */
  slotRetainedBytes: number | null;
}

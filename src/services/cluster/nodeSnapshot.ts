/**
 * What the cockpit knows about one node after a poll. LSNs are kept as the
 * server prints them ("0/3000148"); byte distances are computed by the server
 * (pg_wal_lsn_diff) and arrive as numbers. Times are ms since the epoch.
 */
export type NodeRole = 'primary' | 'standby' | 'unknown';

export interface NodeSnapshot {
  name: string;
  host: string;
  port: number;
  /** up: answered its last poll; down: did not (see downReason); unknown: not polled yet. */
  status: 'up' | 'down' | 'unknown';
  /** From pg_is_in_recovery(): true = standby (read-only), false = primary. */
  role: NodeRole;
  /** Why the node is down, in words a DBA can act on ("connection refused", "timeout", ...). */
  downReason?: string;
  /**
   * Down, but the server answered with an error (password failed, too many
   * connections, no pg_hba.conf entry, starting up): it runs, only pgcockpit
   * cannot log in. Such a primary is alive and must never be treated as gone.
   */
  serverAnswered?: boolean;
  /** When this snapshot was taken. */
  polledAt?: number;
  /** Down: when the node last answered, if it ever did since the cockpit started. */
  lastSeenUpAt?: number;
  /** The last poll is still in flight past its tick: the numbers shown are from polledAt. */
  stale?: boolean;
  /** Everything the one-statement poll returned; present when status is up. */
  server?: ServerFacts;
  /**
   * Derived from the whole cluster at this look (see needsRebuild.ts): the
   * node cannot rejoin as a standby without a rebuild, and why. Absent when it can.
   */
  needsRebuild?: NeedsRebuildFact;
}

/** Why a node needs a rebuild, as status, status --json and the pane's badge say it. */
export interface NeedsRebuildFact {
  /** second-primary: up as a primary nobody follows beside the one they do; forked: its WAL left the primary's history; wal-removed: the WAL it needs is gone everywhere. */
  cause: 'second-primary' | 'forked' | 'wal-removed';
  /** One sentence with the numbers, e.g. "on timeline 1 past 0/5000000, where pg2's history left it". */
  reason: string;
  /** The exact command that rebuilds it. */
  command: string;
}

export interface ServerFacts {
  /** server_version, e.g. "15.18". */
  version: string;
  /** server_version_num, e.g. 150018. */
  versionNum: number;
  startedAt: number;
  /**
   * Primary: from the current WAL file name (right after a promotion, before
   * the first checkpoint, pg_control_checkpoint() still shows the old one).
   * Standby: the WAL receiver's received_tli, else the newer of the last
   * restartpoint's and the minimum recovery point's (both lag behind a
   * timeline switch the standby already replayed), else see timelineLastSeen.
   */
  timeline: number | null;
  /**
   * Standby without a WAL receiver: `timeline` is the one its receiver last
   * reported (kept by NodeConnection across polls), because what the server
   * falls back to is older; a timeline never goes backwards in the view.
   */
  timelineLastSeen?: boolean;
  /**
   * Primary on a timeline after the first: where each ancestor timeline
   * ended (pg_wal/<TLI>.history). Null when the role may not read it
   * (superuser or EXECUTE on pg_read_file) or on timeline 1; absent from older fixtures.
   */
  timelineHistory?: TimelineFork[] | null;
  /** The oldest WAL segment file in pg_wal (needs pg_monitor / pg_ls_waldir); null when unknown. */
  oldestWalSegment?: string | null;
  /** wal_segment_size in bytes. */
  walSegmentBytes?: number | null;
  /** Primary: pg_current_wal_lsn(). Null on a standby. */
  currentLsn: string | null;
  /** Standby: pg_last_wal_receive_lsn() / pg_last_wal_replay_lsn(). Null on a primary. */
  receiveLsn: string | null;
  replayLsn: string | null;
  /** Standby: receive - replay in bytes (WAL received but not applied yet). */
  replayGapBytes: number | null;
  /** Standby: pg_is_wal_replay_paused(). Null on a primary. */
  replayPaused: boolean | null;
  /** Standby: pg_last_xact_replay_timestamp(); grows stale when the primary is idle. */
  lastReplayedXactAt: number | null;
  /** Standby: pg_stat_wal_receiver (null when no receiver runs). */
  walReceiver: WalReceiver | null;
  /** pg_stat_replication: the standbys streaming from this node. */
  replicas: ReplicaLink[];
  /** pg_replication_slots. */
  slots: ReplicationSlot[];
  archiver: ArchiverStats;
  /** Absent from older fixtures. */
  checkpointer?: CheckpointerStats | null;
  /** Settings that matter for replication, by name (pg_settings.setting, with unit applied where useful). */
  settings: Record<string, string>;
  /** The role pgcockpit logged in as, and whether it may read what the snapshot needs. */
  monitoringLogin: MonitoringLogin;
}

/**
 * Without pg_read_all_stats (part of pg_monitor; superusers have it),
 * pg_stat_wal_receiver and pg_stat_replication show only that the process
 * exists: status, LSNs, sender and slot read as NULL, which would look like
 * a standby that does not stream. Without pg_monitor the archive_status
 * listing is refused too.
 */
export interface MonitoringLogin {
  /** current_user. */
  user: string;
  /** pg_has_role(current_user, 'pg_read_all_stats', 'usage'). */
  readAllStats: boolean;
  /** pg_has_role(current_user, 'pg_monitor', 'usage'). */
  pgMonitor: boolean;
}

/** One line of a timeline history file: `timeline` ended at `switchpoint`, where its child began. */
export interface TimelineFork {
  timeline: number;
  switchpoint: string;
}

export interface WalReceiver {
  /** streaming, catchup, waiting, stopping, ... */
  status: string;
  senderHost: string | null;
  senderPort: number | null;
  slotName: string | null;
  receivedTimeline: number | null;
  lastMessageAt: number | null;
}

export interface ReplicaLink {
  /** The walsender's process id: what the upstream's slot names as its active_pid. */
  pid: number | null;
  /**
   * The standby's application_name: its cluster_name for nodes pgcockpit set
   * up, "walreceiver" for one cloned with pg_basebackup -R and left as is.
   */
  applicationName: string;
  /** The configured node this walsender serves, as deriveLinks paired them (set by buildClusterView). */
  standby?: string;
  clientAddr: string | null;
  /** startup, catchup, streaming, backup, stopping. */
  state: string;
  /** async, potential, sync, quorum. */
  syncState: string;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  /** This node's current LSN minus the standby's sent/write/flush/replay LSN. */
  sentLagBytes: number | null;
  writeLagBytes: number | null;
  flushLagBytes: number | null;
  replayLagBytes: number | null;
  /** write_lag / flush_lag / replay_lag in seconds; NULL once caught up on an idle primary. */
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
}

export interface ReplicationSlot {
  name: string;
  type: 'physical' | 'logical';
  active: boolean;
  /** The process streaming through it (a walsender's pid), null when inactive. */
  activePid: number | null;
  restartLsn: string | null;
  /** WAL this slot keeps from being recycled: current (or received) LSN minus restart_lsn. */
  retainedBytes: number | null;
  /** reserved, extended, unreserved, lost (PostgreSQL >= 13; null before). */
  walStatus: string | null;
  /** Bytes left before the slot is lost to max_slot_wal_keep_size (null: unlimited or < 13). */
  safeWalSizeBytes: number | null;
  /**
   * Columns later majors added (null where the server lacks the column;
   * absent from older fixtures). A logical slot's database; conflicting (16+):
   * invalidated by a recovery conflict; invalidation_reason (17+): why it can
   * no longer be used (wal_removed, rows_removed, wal_level_insufficient,
   * idle_timeout on 18); inactive_since (17+, ms); failover (17+): a logical
   * slot the standbys keep a synced copy of; synced (17+): this copy was
   * synced from the primary (on a standby).
   */
  database?: string | null;
  /** A temporary slot (dropped at the session's end; a synced copy stays temporary until its primary's slot passes it, and is dropped at promotion). */
  temporary?: boolean | null;
  conflicting?: boolean | null;
  invalidationReason?: string | null;
  inactiveSince?: number | null;
  failover?: boolean | null;
  synced?: boolean | null;
}

/** The checkpointer's counters since statsResetAt (pg_stat_checkpointer on 17+, pg_stat_bgwriter before). */
export interface CheckpointerStats {
  view: 'pg_stat_checkpointer' | 'pg_stat_bgwriter';
  /** Checkpoints started by checkpoint_timeout, and requested (by max_wal_size, CHECKPOINT, a backup). */
  timed: number;
  requested: number;
  writeTimeMs: number;
  syncTimeMs: number;
  buffersWritten: number;
  /** Restartpoints a standby completed (17+; null before). */
  restartpointsDone: number | null;
  statsResetAt: number | null;
}

export interface ArchiverStats {
  /** This node archives WAL: archive_mode = always, or on and the node is a primary. */
  enabled: boolean;
  archivedCount: number;
  failedCount: number;
  lastArchivedWal: string | null;
  lastArchivedAt: number | null;
  lastFailedWal: string | null;
  lastFailedAt: number | null;
  /** The last failure is newer than the last success. */
  failing: boolean;
  /** false when the cockpit's role may not list archive_status (needs pg_monitor). */
  canReadStatusDir: boolean;
  /** Segments waiting to be archived (.ready files); null when canReadStatusDir is false. */
  readyCount: number | null;
  /** Modification time of the oldest .ready file. */
  oldestReadyAt: number | null;
}

export function unpolledSnapshot(node: { name: string; host: string; port: number }): NodeSnapshot {
  return { name: node.name, host: node.host, port: node.port, status: 'unknown', role: 'unknown' };
}

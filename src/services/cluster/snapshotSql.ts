import type { ServerCapabilities } from './serverCapabilities.js';

/**
 * The one statement pgcockpit runs per node per tick: one round trip, one row,
 * one json column `snapshot` that parseSnapshot turns into ServerFacts. The
 * same text works on a primary and on a standby, for PostgreSQL 12 to 18 (each run by test/matrix), and
 * for a role without pg_monitor (privileged parts come back as null/false).
 *
 * PostgreSQL behaviours it relies on:
 * - pg_current_wal_lsn() and pg_walfile_name() raise "recovery is in progress"
 *   on a standby; pg_is_wal_replay_paused() raises "recovery is not in
 *   progress" on a primary; pg_last_wal_*() and pg_last_xact_replay_timestamp()
 *   keep their last value after a promotion. So each is wrapped in
 *   CASE on pg_is_in_recovery(): CASE evaluates only the branch it needs
 *   (volatile calls are never constant-folded at plan time).
 * - pg_is_in_recovery() is read once (a MATERIALIZED CTE, PostgreSQL >= 12),
 *   so every guard and the role agree even if a promotion lands mid-statement.
 * - EXECUTE privilege is checked when the executor initialises an expression,
 *   not when it evaluates it: a CASE around pg_ls_archive_statusdir() still
 *   fails with "permission denied" for a role without pg_monitor. The listing
 *   therefore runs as text through query_to_xml(), which plans it only when
 *   the CASE branch guarded by has_function_privilege() is taken.
 * - Rows a role may not see are simply absent from pg_settings (so the settings
 *   map lacks them), and pg_stat_replication / pg_stat_wal_receiver show a row
 *   with null details to roles without pg_read_all_stats.
 */

/** Settings that matter for replication; names a server lacks are just absent. */
export const SNAPSHOT_SETTINGS = [
  'wal_level',
  'archive_mode',
  'archive_command',
  'archive_timeout',
  'max_wal_senders',
  'max_replication_slots',
  'max_slot_wal_keep_size',
  'wal_keep_size',
  'wal_keep_segments',
  'wal_log_hints',
  'data_checksums',
  'hot_standby',
  'hot_standby_feedback',
  'synchronous_standby_names',
  'primary_conninfo',
  'primary_slot_name',
  // A standby that lost WAL its upstream removed can fetch it from the archive with one (PostgreSQL >= 12 as a setting).
  'restore_command',
  'cluster_name',
  // Where the server logs (the detail view says it): the collector's directory, relative to data_directory.
  'logging_collector',
  'log_directory',
  'data_directory',
  // Failover slots (17+): a standby syncs logical slots only with these; the primary waits for the standbys named.
  'sync_replication_slots',
  'synchronized_standby_slots',
  // 18: an inactive slot is invalidated after this long.
  'idle_replication_slot_timeout',
  // 17+: off forbids ALTER SYSTEM (re-pointing then writes the config file).
  'allow_alter_system',
] as const;

/** A timestamptz expression as epoch milliseconds (float8, null stays null). */
function epochMs(expr: string): string {
  return `(extract(epoch from ${expr}) * 1000)::float8`;
}

/** Bytes between two pg_lsn expressions; pg_wal_lsn_diff returns numeric, JSON wants a number. */
function lsnDiff(a: string, b: string): string {
  return `pg_wal_lsn_diff(${a}, ${b})::float8`;
}

/**
 * SQL that masks passwords in a conninfo string expression: `password=…`
 * (also sslpassword, quoted values) and the `user:secret@` of a URI become
 * `****`. E'' strings keep the regexes independent of standard_conforming_strings.
 */
export function maskPasswordsSql(expr: string): string {
  const keyValue = String.raw`E'(password[[:space:]]*=[[:space:]]*)(''([^''\\\\]|\\\\.)*''|[^[:space:]]+)'`;
  const uri = String.raw`E'(://[^:/@[:space:]]*:)[^@[:space:]]*@'`;
  return `regexp_replace(regexp_replace(${expr}, ${keyValue}, E'\\\\1****', 'gi'), ${uri}, E'\\\\1****@', 'g')`;
}

/** A slot column when the server has it (see ServerCapabilities), else a typed null. */
function slotColumn(capabilities: ServerCapabilities, column: string, type: string, expr = `sl.${column}`): string {
  return capabilities.slotColumns.has(column) ? expr : `null::${type}`;
}

/**
 * The checkpointer's counters: pg_stat_checkpointer where the server has it
 * (17+), else the same figures from pg_stat_bgwriter. Both are readable by
 * every role. Times in ms.
 */
function checkpointerSql(capabilities: ServerCapabilities): string {
  if (capabilities.statCheckpointer) {
    return `(select json_build_object(
      'view', 'pg_stat_checkpointer',
      'timed', c.num_timed, 'requested', c.num_requested,
      'writeTimeMs', c.write_time, 'syncTimeMs', c.sync_time, 'buffersWritten', c.buffers_written,
      'restartpointsDone', c.restartpoints_done,
      'statsResetAt', ${epochMs('c.stats_reset')}
    ) from pg_stat_checkpointer c)`;
  }
  return `(select json_build_object(
      'view', 'pg_stat_bgwriter',
      'timed', b.checkpoints_timed, 'requested', b.checkpoints_req,
      'writeTimeMs', b.checkpoint_write_time, 'syncTimeMs', b.checkpoint_sync_time, 'buffersWritten', b.buffers_checkpoint,
      'restartpointsDone', null,
      'statsResetAt', ${epochMs('b.stats_reset')}
    ) from pg_stat_bgwriter b)`;
}

/** The statement for a server that offers `capabilities` (read once per connection). */
export function snapshotSql(capabilities: ServerCapabilities): string {
  const settingNames = SNAPSHOT_SETTINGS.map((name) => `'${name}'`).join(', ');
  // Runs only when the role may execute it (see the header); numbers only, so the XML is trivial to read back.
  const readyListing =
    "$ready$select count(*) as n, (extract(epoch from min(modification)) * 1000)::bigint as oldest " +
    "from pg_ls_archive_statusdir() where name like '%.ready'$ready$";
  // The oldest WAL segment still in pg_wal (by segment number, any timeline):
  // a standby needing an older one cannot stream from here. Same guard as the listing above.
  const oldestWal =
    "$oldest$select name from pg_ls_waldir() where name ~ '^[0-9A-F]{24}$' order by substr(name, 9), name limit 1$oldest$";
  // The primary's timeline history file (pg_wal/<TLI>.history): where each
  // ancestor timeline forked. Reading a file needs superuser or a GRANT on
  // pg_read_file; missing_ok, so timeline 1 (no file) reads as null.
  const historyFile =
    "$history$select pg_read_file('pg_wal/' || lpad(upper(to_hex(%s)), 8, '0') || '.history', 0, 65536, true) as text$history$";

  return `
with node as materialized (
  select pg_is_in_recovery() as in_recovery
),
lsn as materialized (
  select
    node.in_recovery,
    case when node.in_recovery then null else pg_current_wal_lsn() end as current_lsn,
    case when node.in_recovery then pg_last_wal_receive_lsn() end as receive_lsn,
    case when node.in_recovery then pg_last_wal_replay_lsn() end as replay_lsn
  from node
),
ref as materialized (
  -- What this node has: a primary its insert position; a (cascading) standby
  -- what it received, or replayed if more (right after a restart the receive
  -- position restarts at a segment boundary, and archive-only standbys never receive).
  select coalesce(lsn.current_lsn, greatest(lsn.receive_lsn, lsn.replay_lsn)) as lsn from lsn
),
receiver as materialized (
  select status, sender_host, sender_port, slot_name, received_tli, last_msg_receipt_time
  from pg_stat_wal_receiver
  limit 1
),
ready as materialized (
  select case when has_function_privilege('pg_ls_archive_statusdir()', 'execute')
    then query_to_xml(${readyListing}, false, true, '')::text
  end as xml
),
waldir as materialized (
  select case when has_function_privilege('pg_ls_waldir()', 'execute')
    then query_to_xml(${oldestWal}, false, true, '')::text
  end as xml
)
select json_build_object(
  'version', split_part(current_setting('server_version'), ' ', 1),
  'versionNum', current_setting('server_version_num')::int,
  'startedAt', ${epochMs('pg_postmaster_start_time()')},
  'inRecovery', lsn.in_recovery,
  -- A primary's timeline is in its current WAL file name (pg_control_checkpoint()
  -- keeps the old one after a promotion until the first checkpoint).
  'timeline', case when lsn.in_recovery
    -- Without a receiver the restartpoint's timeline can be older than what was
    -- replayed (no restartpoint yet on the new timeline); the minimum recovery
    -- point's moves with every buffer flushed, so the newer of the two is used.
    then coalesce((select received_tli from receiver)::bigint, greatest(
      (select timeline_id from pg_control_checkpoint())::bigint,
      (select nullif(min_recovery_end_timeline, 0) from pg_control_recovery())::bigint))
    else ('x' || substr(pg_walfile_name(lsn.current_lsn), 1, 8))::bit(32)::bigint
  end,
  -- A primary on a timeline after the first: its history file (see historyFile).
  'timelineHistory', case when not lsn.in_recovery
      and has_function_privilege('pg_read_file(text, bigint, bigint, boolean)', 'execute')
      and ('x' || substr(pg_walfile_name(lsn.current_lsn), 1, 8))::bit(32)::bigint > 1
    then substring(query_to_xml(format(${historyFile}, ('x' || substr(pg_walfile_name(lsn.current_lsn), 1, 8))::bit(32)::bigint), false, true, '')::text
      from '<text>(.*)</text>')
  end,
  'oldestWalSegment', substring(waldir.xml from '<name>([0-9A-F]{24})</name>'),
  'walSegmentBytes', (select setting::float8 from pg_settings where name = 'wal_segment_size'),
  'currentLsn', lsn.current_lsn::text,
  'receiveLsn', lsn.receive_lsn::text,
  'replayLsn', lsn.replay_lsn::text,
  'replayGapBytes', case when lsn.in_recovery then ${lsnDiff('greatest(lsn.receive_lsn, lsn.replay_lsn)', 'lsn.replay_lsn')} end,
  'replayPaused', case when lsn.in_recovery then pg_is_wal_replay_paused() end,
  'lastReplayedXactAt', case when lsn.in_recovery then ${epochMs('pg_last_xact_replay_timestamp()')} end,
  'walReceiver', (
    select json_build_object(
      'status', r.status,
      'senderHost', r.sender_host,
      'senderPort', r.sender_port,
      'slotName', r.slot_name,
      'receivedTimeline', r.received_tli,
      'lastMessageAt', ${epochMs('r.last_msg_receipt_time')}
    ) from receiver r
  ),
  'replicas', (
    select coalesce(json_agg(json_build_object(
      'pid', s.pid,
      'applicationName', s.application_name,
      'clientAddr', host(s.client_addr),
      'state', s.state,
      'syncState', s.sync_state,
      'sentLsn', s.sent_lsn::text,
      'writeLsn', s.write_lsn::text,
      'flushLsn', s.flush_lsn::text,
      'replayLsn', s.replay_lsn::text,
      'sentLagBytes', ${lsnDiff('ref.lsn', 's.sent_lsn')},
      'writeLagBytes', ${lsnDiff('ref.lsn', 's.write_lsn')},
      'flushLagBytes', ${lsnDiff('ref.lsn', 's.flush_lsn')},
      'replayLagBytes', ${lsnDiff('ref.lsn', 's.replay_lsn')},
      'writeLagSeconds', extract(epoch from s.write_lag)::float8,
      'flushLagSeconds', extract(epoch from s.flush_lag)::float8,
      'replayLagSeconds', extract(epoch from s.replay_lag)::float8
    ) order by s.application_name, s.pid), '[]'::json)
    from pg_stat_replication s
  ),
  'slots', (
    select coalesce(json_agg(json_build_object(
      'name', sl.slot_name,
      'type', sl.slot_type,
      'active', sl.active,
      'activePid', sl.active_pid,
      'restartLsn', sl.restart_lsn::text,
      'retainedBytes', ${lsnDiff('ref.lsn', 'sl.restart_lsn')},
      'walStatus', ${slotColumn(capabilities, 'wal_status', 'text')},
      'safeWalSizeBytes', ${slotColumn(capabilities, 'safe_wal_size', 'bigint')},
      'database', sl.database::text,
      'temporary', sl.temporary,
      'conflicting', ${slotColumn(capabilities, 'conflicting', 'boolean')},
      'invalidationReason', ${slotColumn(capabilities, 'invalidation_reason', 'text')},
      'inactiveSince', ${slotColumn(capabilities, 'inactive_since', 'float8', epochMs('sl.inactive_since'))},
      'failover', ${slotColumn(capabilities, 'failover', 'boolean')},
      'synced', ${slotColumn(capabilities, 'synced', 'boolean')}
    ) order by sl.slot_name), '[]'::json)
    from pg_replication_slots sl
  ),
  'checkpointer', ${checkpointerSql(capabilities)},
  'archiver', (
    select json_build_object(
      -- A standby archives only with archive_mode = always; with "on" its primary does.
      'enabled', current_setting('archive_mode') = 'always'
        or (current_setting('archive_mode') = 'on' and not pg_is_in_recovery()),
      'archivedCount', a.archived_count,
      'failedCount', a.failed_count,
      'lastArchivedWal', a.last_archived_wal,
      'lastArchivedAt', ${epochMs('a.last_archived_time')},
      'lastFailedWal', a.last_failed_wal,
      'lastFailedAt', ${epochMs('a.last_failed_time')},
      'failing', case
        when a.last_failed_time is null then false
        when a.last_archived_time is null then true
        else a.last_failed_time > a.last_archived_time
      end,
      'canReadStatusDir', ready.xml is not null,
      'readyCount', substring(ready.xml from '<n>([0-9]+)</n>')::bigint,
      'oldestReadyAt', substring(ready.xml from '<oldest>(-?[0-9]+)</oldest>')::float8
    ) from pg_stat_archiver a
  ),
  -- Superusers pass pg_has_role for every role. Without pg_read_all_stats the
  -- receiver's and walsenders' details read as NULL (see the header).
  'monitoringLogin', json_build_object(
    'user', current_user,
    'readAllStats', pg_has_role('pg_read_all_stats', 'usage'),
    'pgMonitor', pg_has_role('pg_monitor', 'usage')
  ),
  'settings', (
    -- current_setting() gives the SHOW form (units applied: "1min", "-1"); it is
    -- only called for rows pg_settings lets this role see, so it cannot raise.
    select coalesce(json_object_agg(st.name, case when st.name = 'primary_conninfo'
      then ${maskPasswordsSql('current_setting(st.name)')}
      else current_setting(st.name)
    end order by st.name), '{}'::json)
    from pg_settings st
    where st.name in (${settingNames})
  )
) as snapshot
from lsn, ref, ready, waldir`;
}

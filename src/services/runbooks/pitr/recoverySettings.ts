import { confString } from '../../postgres/confValue.js';
import type { RecoveryTarget } from './recoveryTarget.js';
import { targetSetting } from './recoveryTarget.js';

/** recovery_target_action: promote (a writable copy), pause (read-only, replay stopped: inspect, then resume or promote), shutdown. */
export const RECOVERY_ACTIONS = ['pause', 'promote', 'shutdown'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

export interface RecoverySettingsInput {
  target: RecoveryTarget;
  action: RecoveryAction;
  /** recovery_target_inclusive: false stops just before the target (--exclusive). */
  inclusive: boolean;
  /** The timeline to follow: the window's, or 'latest' (PostgreSQL 12+'s default). */
  timeline: number | 'latest';
  restoreCommand: string;
  port: number;
  /** Where the copy's server writes its log (pg_ctl -l): the job reads replay off it. */
  clusterName: string;
  /** The server's major version: log_startup_progress_interval exists from 15 on (an unknown setting stops the server from starting). */
  major: number;
  /** A smaller shared_buffers for a copy beside production (none: the backup's own). */
  sharedBuffers?: string;
}

/**
 * The most shared memory a copy beside production takes: production's
 * shared_buffers again on the same host could starve it. Replay reads each
 * page once or twice, so 1 GB costs a copy little; hot standby does not
 * check shared_buffers (only max_connections and its kin, left as they are).
 */
export const SIDE_BY_SIDE_SHARED_BUFFERS_BYTES = 1024 ** 3;

const OTHER_TARGETS = ['recovery_target', 'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time', 'recovery_target_xid'];

/**
 * The lines appended to the copy's postgresql.auto.conf (the last
 * occurrence of a setting wins, over postgresql.conf and its includes):
 *
 * - restore_command reads the archive, and pg_wal was emptied, so the
 *   archived WAL is what is replayed (the runbook replayed the backup's own).
 * - Every other recovery_target_* is set empty first: one left in the copied
 *   configuration would make two targets, which the server refuses.
 * - archive_mode off: the copy must never write into production's archive
 *   (a promoted copy would archive a new timeline's history and segments there).
 * - primary_conninfo / primary_slot_name empty: a backup of a standby, or
 *   one taken with -R, carries production's; the copy streams from nobody.
 * - The log goes to stderr, that is pg_ctl's -l file (no logging collector
 *   writing into production's log directory), in English: the job reads it.
 */
export function recoverySettings(input: RecoverySettingsInput): string[] {
  const target = targetSetting(input.target);
  return [
    `restore_command = ${confString(input.restoreCommand)}`,
    ...OTHER_TARGETS.filter((name) => name !== target.name).map((name) => `${name} = ''`),
    `${target.name} = ${confString(target.value)}`,
    `recovery_target_inclusive = ${input.inclusive ? 'on' : 'off'}`,
    `recovery_target_timeline = ${confString(String(input.timeline))}`,
    `recovery_target_action = ${confString(input.action)}`,
    `port = ${input.port}`,
    `cluster_name = ${confString(input.clusterName)}`,
    "archive_mode = 'off'",
    "primary_conninfo = ''",
    "primary_slot_name = ''",
    'logging_collector = off',
    "log_destination = 'stderr'",
    "lc_messages = 'C'",
    'hot_standby = on',
    ...(input.major >= 15 ? ["log_startup_progress_interval = '2s'"] : []),
    ...(input.sharedBuffers ? [`shared_buffers = ${confString(input.sharedBuffers)}`] : []),
  ];
}

import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import type { RecoverableWindow } from '../../pitr/recoverableWindowTypes.js';
import type { Plan } from '../plan.js';
import type { RecoveryEnd } from './recoveryEnd.js';
import type { RecoveredCopy } from './recoveredCopy.js';
import type { TargetInput } from './recoveryTarget.js';
import type { RecoveryAction } from './recoverySettings.js';

/** What a point-in-time recovery is asked (the form's values, the subcommand's flags) and what planning it reads. */

export interface PitrOptions {
  target?: TargetInput;
  /** recovery_target_action; default pause: the copy stays read-only at the target, to be inspected, then resumed or promoted (promote with copyBack: a paused copy may hold the table's lock). */
  action?: RecoveryAction;
  /** recovery_target_inclusive off: stop just before the target. */
  exclusive?: boolean;
  /** The new data directory (default: beside the data directory of the node whose host holds the backup). */
  restoreTo?: string;
  port?: number;
  /** Recover this stopped node in place: its data directory is moved aside (kept) and the backup takes its place, on its own port. */
  inPlace?: string;
  /** After the recovery, this table (schema.table) is dumped from the copy and restored into the production primary, where it must not exist. */
  copyBack?: string;
  /** The database it is in (default: the configured node's). */
  database?: string;
}

/** What production said for --copy-back: its primary, and whether the table is absent there. */
export interface CopyBackFacts {
  primary?: string;
  database: string;
  tableAbsent?: boolean;
  problem?: string;
}

/** What the host holding the backup said, as its OS user (nothing changed). */
export interface PitrHostFacts {
  /** The runner name (a node, or "jump host") and the address its port is checked on. */
  host: string;
  /** --in-place: the node, where its data directory is kept, whether its server runs (pg_ctl status) or its port answers, whether the backup is on its machine. */
  inPlace?: { node: string; keptDir: string; running: boolean; answers: boolean; parentWritable: boolean; sameMachine: boolean };
  address: string;
  dest: string;
  /** The destination was chosen by pgcockpit (beside a node's data directory: `pgcockpit cleanup` lists it). */
  defaultDest: boolean;
  asideDir: string;
  /** The UTC second the names carry (the recovery's log is named by it too: one log a run). */
  stamp?: string;
  /** The plain backup has postgresql.conf (false: a Debian-style cluster's lives in /etc; a tar's is known only once unpacked). */
  confPresent?: boolean;
  destState: 'absent' | 'empty' | 'non-empty' | 'not a directory' | 'parent not writable' | 'unknown';
  port: number;
  /** Something accepts connections on address:port, or a configured node uses it there. */
  portTaken?: string;
  backupPresent: boolean;
  /** `postgres --version` there, and the programs' paths. */
  postgresVersion?: string;
  pgCtl: string;
  postgres: string;
  archiveDir?: string;
  archiveReadable: boolean;
  /** The archive is on another host than the backup: restore_command could not read it there. */
  archiveElsewhere?: string;
  /** The newest WAL segment in the archive: the progress bar's end when the target's position is not known. */
  newestSegment?: string;
  problem?: string;
}

export interface PitrFacts {
  asked: string;
  backups: BaseBackupEntry[];
  catalogProblems: string[];
  /** The server's TimeZone (SHOW timezone) and the node it was read from. */
  /** The server's TimeZone and shared_buffers (bytes), read from one node (the backup's first). */
  timeZone?: { zone: string; node: string; sharedBuffersBytes?: number };
  timeZoneProblem?: string;
  /** From readRecoverableWindows; absent until it is read: only the backup's end is checked. */
  windows?: RecoverableWindow[];
  /** Why the windows could not be read (then only the backup's end is checked). */
  windowProblem?: string;
  /** Read once the backup is chosen. */
  hostFacts?: PitrHostFacts;
  copyBack?: CopyBackFacts;
}

export interface PitrPlan extends Plan {
  backupId?: string;
  dest?: string;
  port?: number;
  address?: string;
  defaultDest?: boolean;
  pgCtl?: string;
  action: RecoveryAction;
  login?: string;
  /** The copy's server log (pg_ctl -l), new to this run. */
  logFile?: string;
  /** How recovery ended, once the replay step has read it. */
  end?: RecoveryEnd;
  /** Where the recovered server is and how to reach it: the cockpit's resume/promote offer once it ended paused. */
  copy?: RecoveredCopy;
  /** --in-place: the node recovered and where its former data directory is kept. */
  inPlace?: { node: string; keptDir: string };
  /** --copy-back: the table restored into production, and where. */
  copyBack?: { table: string; primary: string };
  /** The line after every step succeeded (pitrSucceeded), here so the registry entry needs no import of the planner. */
  succeededLine(): string;
}


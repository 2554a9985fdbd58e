/**
 * What a base backup can be recovered to, from the catalog and the WAL
 * archive (`pgcockpit window`, the picker's timeline, and PITR's target
 * check all read this).
 */
export interface RecoverableWindow {
  /** The base backup's catalog id. */
  backupId: string;
  /** The timeline recovery follows to reach `to` (the newest whose history holds the backup). */
  timeline: number;
  /** The backup's end: the earliest consistent point, ISO 8601 with offset, and its LSN. */
  from: string;
  fromLsn: string;
  /**
   * The last commit found in the gap-free run of archived WAL after the
   * backup (pg_waldump on the newest segments), ISO 8601 with offset, and its
   * LSN; null when no commit was found after the backup's end.
   */
  to: string | null;
  toLsn: string | null;
  /** Missing segments on the path: recovery cannot pass the first one. */
  gaps: Array<{ segment: string; atLsn: string }>;
  /** Restore points (pg_create_restore_point) found in the covered WAL. */
  restorePoints: Array<{ name: string; at: string; lsn: string }>;
  /** Why this backup has no usable window, when it has none (WAL missing right after the backup, ...). */
  problem?: string;
  /**
   * What the search left unread, when a bound was hit before a find (the
   * newest segments only are read): `lastCommit` when no commit was found in
   * them (`to` null means "not known", not "none"), `restorePoints` when the
   * run's older segments were not looked at (a name not listed may be there).
   */
  incomplete?: { lastCommit?: string; restorePoints?: string };
}

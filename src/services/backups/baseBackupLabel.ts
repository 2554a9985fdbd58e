/**
 * The backup_label pg_basebackup writes into the backup (PostgreSQL 12 to 18):
 *
 *     START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
 *     CHECKPOINT LOCATION: 0/2000060
 *     BACKUP METHOD: streamed
 *     BACKUP FROM: primary
 *     START TIME: 2026-11-30 16:30:00 UTC
 *     LABEL: pgcockpit-20261130T163000Z
 *     START TIMELINE: 1
 *
 * START TIME is written in the server's log_timezone with its abbreviation
 * ("KST", "CET"), which says no offset for sure: it is read with that zone
 * (startTimeSql), never by guessing the abbreviation.
 */
export interface BackupLabel {
  startLsn?: string;
  /** The WAL file recovery starts from. */
  startWalFile?: string;
  checkpointLsn?: string;
  /** "primary" or "standby". */
  backupFrom?: string;
  /** As written: "2026-11-30 16:30:00 UTC". */
  startTimeText?: string;
  label?: string;
  timeline?: number;
}

/** The fields of a backup_label's text (pure); unknown lines are ignored. */
export function parseBackupLabel(text: string): BackupLabel {
  const label: BackupLabel = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z ]+): (.*)$/.exec(line.trimEnd());
    if (!match) continue;
    const [, key, value] = match as unknown as [string, string, string];
    if (key === 'START WAL LOCATION') {
      const where = /^([0-9A-F]+\/[0-9A-F]+)(?: \(file ([0-9A-F]{24})\))?/i.exec(value);
      if (where) {
        label.startLsn = where[1]!;
        if (where[2]) label.startWalFile = where[2];
      }
    } else if (key === 'CHECKPOINT LOCATION') label.checkpointLsn = value;
    else if (key === 'BACKUP FROM') label.backupFrom = value;
    else if (key === 'START TIME') label.startTimeText = value;
    else if (key === 'LABEL') label.label = value;
    else if (key === 'START TIMELINE' && /^\d+$/.test(value)) label.timeline = Number(value);
  }
  return label;
}

/** START TIME without its zone abbreviation ("2026-11-30 16:30:00"): the local time in log_timezone. */
export function startTimeLocal(text: string): string | undefined {
  return /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(text)?.[1];
}

/**
 * START TIME as an instant, read by the server that wrote it: the local
 * time at its log_timezone (an IANA name, so daylight saving is the server's
 * own rule), given back in UTC as ISO 8601 with its offset. $1: startTimeLocal.
 */
export const START_TIME_SQL = `select to_char(($1::timestamp at time zone current_setting('log_timezone')) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start_time`;

/** pg_basebackup --verbose: "pg_basebackup: write-ahead log end point: 0/2000100" (LC_MESSAGES=C): the backup's end LSN. */
export function walEndPoint(line: string): string | undefined {
  return /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/i.exec(line)?.[1];
}

/** The manifest's own checksum, from its last line: `"Manifest-Checksum": "<sha256>"}`. */
export function manifestChecksum(tail: string): string | undefined {
  return /"Manifest-Checksum"\s*:\s*"([0-9a-f]{64})"/.exec(tail)?.[1];
}

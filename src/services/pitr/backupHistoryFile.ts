import { parseLsn } from '../postgres/lsn.js';
import { segmentName } from '../cluster/walSegment.js';
import { isoFromWalTime } from './walDumpRecords.js';

/**
 * A backup history file in the archive, "<segment>.<offset>.backup", which
 * the server archives when a base backup ends (do_pg_backup_stop):
 *
 *   START WAL LOCATION: 0/3000028 (file 000000010000000000000003)
 *   STOP WAL LOCATION: 0/3000100 (file 000000010000000000000003)
 *   START TIME: 2026-11-30 16:26:37 UTC
 *   STOP TIME: 2026-11-30 16:26:37 UTC
 *   START TIMELINE: 1 / STOP TIMELINE: 1 / LABEL: …
 *
 * It gives a backup's stop when the catalog lacks it. Its times are whole
 * seconds in the server's log_timezone abbreviation ("KST" cannot be placed
 * without the zone: left out).
 */
export interface BackupHistory {
  startLsn: string;
  stopLsn?: string;
  startTime?: string;
  stopTime?: string;
  startTimeline?: number;
  stopTimeline?: number;
  label?: string;
}

/** The name of the backup history file of a backup that began at `startLsn` on `timeline` ("000000010000000000000003.00000028.backup"). */
export function backupHistoryFileName(timeline: number, startLsn: string, segmentBytes: number): string {
  const start = parseLsn(startLsn);
  const size = BigInt(segmentBytes);
  return `${segmentName(timeline, start / size, segmentBytes)}.${(start % size).toString(16).toUpperCase().padStart(8, '0')}.backup`;
}

/** Reads a backup history file; null when it has no START WAL LOCATION. */
export function parseBackupHistory(text: string): BackupHistory | null {
  const field = (label: string) => new RegExp(`^${label}: (.*)$`, 'm').exec(text)?.[1]?.trim();
  const lsnOf = (value: string | undefined) => value?.split(' ')[0];
  const timeOf = (value: string | undefined) => {
    const match = value && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (\S+)$/.exec(value);
    return match ? (isoFromWalTime(match[1]!, match[2]!, match[3]!) ?? undefined) : undefined;
  };
  const startLsn = lsnOf(field('START WAL LOCATION'));
  if (!startLsn) return null;
  const history: BackupHistory = { startLsn };
  const stopLsn = lsnOf(field('STOP WAL LOCATION'));
  if (stopLsn) history.stopLsn = stopLsn;
  const startTime = timeOf(field('START TIME'));
  if (startTime) history.startTime = startTime;
  const stopTime = timeOf(field('STOP TIME'));
  if (stopTime) history.stopTime = stopTime;
  const startTimeline = field('START TIMELINE');
  if (startTimeline) history.startTimeline = Number(startTimeline);
  const stopTimeline = field('STOP TIMELINE');
  if (stopTimeline) history.stopTimeline = Number(stopTimeline);
  const label = field('LABEL');
  if (label !== undefined) history.label = label;
  return history;
}

import type { BaseBackupEntry } from '../backups/baseBackupEntry.js';
import { formatBytes } from '../cluster/formatBytes.js';
import { segmentName } from '../cluster/walSegment.js';
import { formatLsn, parseLsn } from '../postgres/lsn.js';
import type { Coverage } from './archiveCoverage.js';
import { archiveCoverage, archivedSegments } from './archiveCoverage.js';
import type { BackupHistory } from './backupHistoryFile.js';
import type { RecoverableWindow } from './recoverableWindowTypes.js';
import type { WalRecordFact } from './walDumpRecords.js';

/**
 * What a base backup can be recovered to: from its end (the earliest point
 * recovery is consistent, PostgreSQL refuses a target before it) to the last
 * commit in the run of archived WAL recovery can replay without a gap, along
 * the newest timeline descending from the backup after it began (what
 * recovery_target_timeline = 'latest' follows). Pure: the archive listing,
 * the backup history file and pg_waldump's records are read elsewhere
 * (readRecoverableWindows.ts).
 */

/** wal_segment_size when the catalog entry does not say (the default since PostgreSQL 11's initdb --wal-segsize). */
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

export interface ArchiveListing {
  /** The archive directory's file names. */
  names: readonly string[];
  /** Timeline history files' contents, by timeline ("00000002.history" → 2). */
  histories: Readonly<Record<number, string>>;
}

export interface PathSegment {
  timeline: number;
  segno: bigint;
  name: string;
}

/** A window before its last commit is known: where it starts, the timeline, the gaps, and the segments to look for commits in. */
export interface WindowBasis extends Omit<RecoverableWindow, 'to' | 'toLsn' | 'restorePoints'> {
  /** The archived segments recovery replays, oldest first: from the backup's start to the last one before the first gap; empty with a problem. */
  run: PathSegment[];
  /** Where the run ends (exclusive): the end of its last segment. */
  runEndLsn: string | null;
}

/**
 * How a window's problem begins when pg_waldump could not read the archived
 * WAL (missing, another major's): the window is then unknown, not empty, and
 * PITR checks only the backup's end (targetWindow.ts's windowUnread).
 */
export const WAL_UNREAD = 'the archived WAL could not be read';

/** At most this many missing segments are listed one by one: after the first, recovery cannot go on anyway. */
const MAX_GAPS = 64;

/**
 * The start of a backup's window, from its catalog entry, completed by its
 * backup history file (`history`, when the archive has one) where the entry
 * lacks the stop: the end LSN and time. When neither knows the end time,
 * the job's finish is used: the backup stopped before it, so it is a safe
 * (late) earliest point.
 */
export function windowBasis(backup: BaseBackupEntry, archive: ArchiveListing, history?: BackupHistory | null): WindowBasis {
  const segmentBytes = backup.walSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const timeline = backup.timeline ?? history?.startTimeline;
  const startLsn = backup.startLsn ?? history?.startLsn;
  const fromLsn = backup.endLsn ?? history?.stopLsn ?? '';
  const from = backup.endTime ?? history?.stopTime ?? backup.finishedAt ?? '';
  const basis: WindowBasis = { backupId: backup.id, timeline: timeline ?? 0, from, fromLsn, gaps: [], run: [], runEndLsn: null };
  if (timeline === undefined || !startLsn || !fromLsn) {
    return { ...basis, problem: `the catalog entry does not say where the backup's WAL ${!startLsn || timeline === undefined ? 'begins (timeline, start LSN)' : 'ends (end LSN)'}, and the archive has no backup history file for it` };
  }
  let coverage: Coverage;
  try {
    coverage = archiveCoverage({ names: archive.names, histories: archive.histories, segmentBytes, backup: { timeline, startLsn } });
  } catch (error) {
    return { ...basis, problem: error instanceof Error ? error.message : String(error) };
  }
  const newest = coverage.path.at(-1)!.timeline;
  const gaps = missingSegments(coverage, archive.names, segmentBytes, startLsn);
  const size = BigInt(segmentBytes);
  const runEnd = parseLsn(coverage.to);
  const run: PathSegment[] = [];
  const onPath = timelineAt(coverage);
  for (let segno = parseLsn(startLsn) / size; segno * size < runEnd; segno++) {
    run.push({ timeline: onPath(segno, size), segno, name: segmentName(onPath(segno, size), segno, segmentBytes) });
  }
  const windowed: WindowBasis = { ...basis, timeline: newest, gaps, run, runEndLsn: coverage.to };
  if (runEnd < parseLsn(fromLsn)) {
    const missing = gaps[0]?.segment ?? segmentName(onPath(runEnd / size, size), runEnd / size, segmentBytes);
    return { ...windowed, problem: `${missing} is not in the archive: recovery cannot reach the backup's end (${fromLsn}), so this backup cannot be made consistent from the archive` };
  }
  return windowed;
}

/** The timeline whose file recovery reads for a segment: the newest on the path that had begun by it (XLogFileReadAnyTLI). */
function timelineAt(coverage: Coverage): (segno: bigint, size: bigint) => number {
  return (segno, size) => [...coverage.path].reverse().find((step) => step.beginLsn === null || parseLsn(step.beginLsn) / size <= segno)!.timeline;
}

/** Every segment missing on the path between the backup's start and the newest archived segment of a timeline on it. */
function missingSegments(coverage: Coverage, names: readonly string[], segmentBytes: number, startLsn: string): RecoverableWindow['gaps'] {
  if (!coverage.gap) return [];
  const size = BigInt(segmentBytes);
  const onPath = timelineAt(coverage);
  // Only the file recovery would read for its segment: an old timeline's segments after the switch are not on the path.
  const archived = archivedSegments(names, segmentBytes).filter((segment) => onPath(segment.segno, size) === segment.timeline);
  const present = new Set(archived.map((segment) => `${segment.timeline}:${segment.segno}`));
  const last = archived.reduce((max, segment) => (segment.segno > max ? segment.segno : max), -1n);
  const gaps: RecoverableWindow['gaps'] = [];
  for (let segno = parseLsn(startLsn) / size; segno <= last && gaps.length < MAX_GAPS; segno++) {
    const timeline = onPath(segno, size);
    if (!present.has(`${timeline}:${segno}`)) gaps.push({ segment: segmentName(timeline, segno, segmentBytes), atLsn: formatLsn(segno * size) });
  }
  return gaps;
}

/**
 * Where each search began, when pg_waldump read only the run's newest
 * segments (a bounded search): the start LSN of the oldest segment read for
 * commits and for restore points. A search that began after the backup's
 * end left WAL unread that recovery will replay.
 */
export interface WindowSearch {
  commitsFromLsn?: string;
  restorePointsFromLsn?: string;
}

/**
 * The window, once pg_waldump has read the run's newest segments: `to` is
 * the last commit after the backup's end and before the run's end (an abort
 * changes nothing a recovery could want). A restore point's time is
 * `restorePointTimes[lsn]` (its record's rp_time, when it could be read),
 * else the last commit before it (recovering to it gives what that commit
 * left), else the backup's end. A search that stopped at its bound before
 * reaching the backup's end is said in `incomplete`: not finding is then
 * "not known", never "none".
 */
export function finishWindow(basis: WindowBasis, records: readonly WalRecordFact[], restorePointTimes: Readonly<Record<string, string>> = {}, search: WindowSearch = {}): RecoverableWindow {
  const { run: _run, runEndLsn, ...window } = basis;
  if (basis.problem || runEndLsn === null) return { ...window, to: null, toLsn: null, restorePoints: [] };
  const start = parseLsn(basis.fromLsn);
  const end = parseLsn(runEndLsn);
  const seen = new Set<string>();
  const inRun = records
    .filter((record) => {
      const lsn = parseLsn(record.lsn);
      const key = `${record.kind}:${record.lsn}`;
      if (lsn < start || lsn >= end || seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (parseLsn(a.lsn) < parseLsn(b.lsn) ? -1 : 1));
  const commits = inRun.flatMap((record) => (record.kind === 'commit' ? [record] : []));
  const last = commits.at(-1);
  const restorePoints = inRun.flatMap((record) => {
    if (record.kind !== 'restorePoint') return [];
    const before = commits.filter((commit) => parseLsn(commit.lsn) < parseLsn(record.lsn)).at(-1);
    return [{ name: record.name, at: restorePointTimes[record.lsn] ?? before?.time ?? basis.from, lsn: record.lsn }];
  });
  const incomplete = searchLeftUnread(basis, runEndLsn, search, last !== undefined);
  return { ...window, to: last?.time ?? null, toLsn: last?.lsn ?? null, restorePoints, ...(incomplete ? { incomplete } : {}) };
}

/** What a bounded search did not read between the backup's end and where it began; undefined when it read all of it. */
function searchLeftUnread(basis: WindowBasis, runEndLsn: string, search: WindowSearch, commitFound: boolean): RecoverableWindow['incomplete'] {
  const from = parseLsn(basis.fromLsn);
  const read = (lsn: string) => `the newest ${formatBytes(Number(parseLsn(runEndLsn) - parseLsn(lsn)))} (${lsn} to ${runEndLsn}) of the ${formatBytes(Number(parseLsn(runEndLsn) - from))} after the backup's end`;
  const incomplete: NonNullable<RecoverableWindow['incomplete']> = {};
  if (!commitFound && search.commitsFromLsn && parseLsn(search.commitsFromLsn) > from) {
    incomplete.lastCommit = `no commit in ${read(search.commitsFromLsn)}; the search stops there, so the last archived commit is not known`;
  }
  if (search.restorePointsFromLsn && parseLsn(search.restorePointsFromLsn) > from) {
    incomplete.restorePoints = `restore points were looked for only in ${read(search.restorePointsFromLsn)}; one made before ${search.restorePointsFromLsn} is not listed`;
  }
  return incomplete.lastCommit || incomplete.restorePoints ? incomplete : undefined;
}

/** The whole computation in one call, for callers that have every fact already (tests, the picker's refresh). */
export function recoverableWindow(input: { backup: BaseBackupEntry; archive: ArchiveListing; backupHistory?: BackupHistory | null; records: readonly WalRecordFact[]; restorePointTimes?: Readonly<Record<string, string>>; search?: WindowSearch }): RecoverableWindow {
  return finishWindow(windowBasis(input.backup, input.archive, input.backupHistory), input.records, input.restorePointTimes, input.search);
}

import { formatLsn, parseLsn } from '../postgres/lsn.js';

/**
 * How far WAL in the archive can carry a recovery from a base backup, by
 * segment file names and timeline history files alone (the times come from
 * pg_waldump elsewhere). Recovery reads, for each segment number, the file
 * of the newest timeline on its path that had begun by that segment
 * (xlogrecovery.c, XLogFileReadAnyTLI); a missing one is a gap recovery
 * cannot pass.
 */

/** One line of a timeline history file "<tli>.history": timeline `timeline` ended at `switchLsn`, where its child began. */
export interface HistoryLine {
  timeline: number;
  switchLsn: bigint;
  reason: string;
}

/** Reads a "00000003.history" file: "1\t0/3000060\tno recovery target specified" a line; comments and blank lines skipped. */
export function parseHistoryFile(text: string): HistoryLine[] {
  const lines: HistoryLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [timeline, lsn, ...reason] = line.split(/\s+/);
    if (!timeline || !lsn || !/^\d+$/.test(timeline)) throw new Error(`not a timeline history line: "${line}"`);
    lines.push({ timeline: Number(timeline), switchLsn: parseLsn(lsn), reason: reason.join(' ') });
  }
  return lines;
}

export interface ArchivedSegment {
  timeline: number;
  /** The segment number: the position it starts at divided by the segment size. */
  segno: bigint;
}

const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/** The WAL segments among the archive's file names (not .history, .backup, .partial, or anything else). */
export function archivedSegments(names: readonly string[], segmentBytes: number): ArchivedSegment[] {
  const perId = 0x100000000n / BigInt(segmentBytes);
  return names.flatMap((name) => {
    const match = SEGMENT.exec(name);
    return match ? [{ timeline: Number.parseInt(match[1]!, 16), segno: BigInt(`0x${match[2]}`) * perId + BigInt(`0x${match[3]}`) }] : [];
  });
}

/** A segment's file name on a timeline. */
export function segmentName(timeline: number, segno: bigint, segmentBytes: number): string {
  const perId = 0x100000000n / BigInt(segmentBytes);
  const hex = (value: bigint | number) => value.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segno / perId)}${hex(segno % perId)}`;
}

export interface CoverageInput {
  /** The archive directory's file names. */
  names: readonly string[];
  /** The contents of the archive's history files, by timeline ("00000003.history" → 3). */
  histories: Readonly<Record<number, string>>;
  segmentBytes: number;
  /** Where the base backup's WAL begins (its START WAL LOCATION) and on which timeline. */
  backup: { timeline: number; startLsn: string };
  /** The timeline to recover along (recovery_target_timeline); default the newest whose history holds the backup. */
  targetTimeline?: number;
}

export interface Coverage {
  /** The timeline recovered along, and its ancestors back to the backup's, oldest first, with where each begins. */
  path: Array<{ timeline: number; beginLsn: string | null }>;
  /** From the backup's start to the end of the last segment before the first gap. */
  from: string;
  to: string;
  segments: number;
  /** The first missing segment (recovery stops before it), when there is one before the newest archived segment on the path. */
  gap?: { segment: string; atLsn: string };
}

/**
 * The stretch of WAL a recovery from the backup can replay from the archive,
 * along the target timeline (default: the newest one descending from the
 * backup's timeline at a point after the backup began). Throws when no
 * timeline fits (the backup is on a timeline the archive's histories fork
 * away from before it began).
 */
export function archiveCoverage(input: CoverageInput): Coverage {
  const { segmentBytes, backup } = input;
  const start = parseLsn(backup.startLsn);
  const histories = Object.fromEntries(Object.entries(input.histories).map(([timeline, text]) => [Number(timeline), parseHistoryFile(text)]));
  // A timeline's path: its ancestors from its history file, each with where it ended; the backup's timeline must be on it, ending after the backup began.
  const pathOf = (timeline: number): Coverage['path'] | null => {
    const lines = timeline === backup.timeline ? [] : histories[timeline];
    if (!lines) return null;
    const onPath = lines.filter((line) => line.timeline >= backup.timeline);
    const fork = lines.find((line) => line.timeline === backup.timeline);
    if (timeline !== backup.timeline && (!fork || fork.switchLsn <= start)) return null;
    const path: Coverage['path'] = [{ timeline: backup.timeline, beginLsn: null }];
    for (const line of onPath) {
      const next = lines[lines.indexOf(line) + 1]?.timeline ?? timeline;
      path.push({ timeline: next, beginLsn: formatLsn(line.switchLsn) });
    }
    return path;
  };
  const candidates = [backup.timeline, ...Object.keys(histories).map(Number)].sort((a, b) => b - a);
  const chosen = input.targetTimeline ?? candidates.find((timeline) => pathOf(timeline) !== null);
  const path = chosen === undefined ? null : pathOf(chosen);
  if (!path) throw new Error(`timeline ${input.targetTimeline ?? '?'} does not descend from the backup's timeline ${backup.timeline} after the backup began (${backup.startLsn})`);

  const present = new Set(archivedSegments(input.names, segmentBytes).map((segment) => `${segment.timeline}:${segment.segno}`));
  const size = BigInt(segmentBytes);
  const begins = path.map((step) => ({ timeline: step.timeline, beginSeg: step.beginLsn === null ? 0n : parseLsn(step.beginLsn) / size }));
  const expected = (segno: bigint) => [...begins].reverse().find((step) => step.beginSeg <= segno)!.timeline;
  const last = archivedSegments(input.names, segmentBytes)
    .filter((segment) => begins.some((step) => step.timeline === segment.timeline))
    .reduce((max, segment) => (segment.segno > max ? segment.segno : max), -1n);
  let segno = start / size;
  let segments = 0;
  while (segno <= last && present.has(`${expected(segno)}:${segno}`)) {
    segno++;
    segments++;
  }
  const coverage: Coverage = { path, from: backup.startLsn, to: formatLsn(segno * size), segments };
  if (segno <= last) coverage.gap = { segment: segmentName(expected(segno), segno, segmentBytes), atLsn: formatLsn(segno * size) };
  return coverage;
}

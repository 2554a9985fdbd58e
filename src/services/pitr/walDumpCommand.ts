import type { CommandSpec } from '../runner/runner.js';
import type { PathSegment } from './recoverableWindow.js';

/** Consecutive segments of one timeline: what one pg_waldump run reads (its start and end file names carry the timeline). */
export interface SegmentRange {
  timeline: number;
  first: string;
  last: string;
  count: number;
}

/** Splits segments (oldest first, consecutive) where the timeline changes. */
export function segmentRanges(segments: readonly PathSegment[]): SegmentRange[] {
  const ranges: SegmentRange[] = [];
  for (const segment of segments) {
    const current = ranges.at(-1);
    if (current && current.timeline === segment.timeline) {
      current.last = segment.name;
      current.count++;
    } else {
      ranges.push({ timeline: segment.timeline, first: segment.name, last: segment.name, count: 1 });
    }
  }
  return ranges;
}

/**
 * pg_waldump over archived segments, only one resource manager's records
 * (Transaction: commits and aborts; XLOG: restore points), so a busy
 * segment's hundred thousand records do not all cross the wire. One -r only:
 * PostgreSQL 14 and older keep just the last. TZ=UTC: it prints commit times
 * in its own zone's abbreviation, which only UTC makes unambiguous.
 */
export function walDumpCommand(program: string, archiveDir: string, range: SegmentRange, rmgr: 'Transaction' | 'XLOG'): CommandSpec {
  return {
    program,
    args: ['--path', archiveDir, '--rmgr', rmgr, range.first, range.last],
    env: { TZ: 'UTC', LC_ALL: 'C' },
    mutating: false,
    timeoutMs: 300_000,
  };
}

import { parseLsn } from '../../postgres/lsn.js';
import type { ProgressReport } from '../jobRecord.js';

/**
 * How far WAL replay is, read off the recovering server's log (point-in-time
 * recovery, a standby catching up from the archive). The lines (LOG level,
 * PostgreSQL 12 to 18, lc_messages C), from a real PostgreSQL 15 recovery:
 *
 *     LOG:  restored log file "00000001000000000000000A" from archive
 *     LOG:  redo starts at 0/3000028
 *     LOG:  redo in progress, elapsed time: 1.02 s, current LSN: 0/9FFF608   (15+, log_startup_progress_interval)
 *     LOG:  redo done at 0/C0002D0 system usage: CPU: ...
 *     LOG:  recovery stopping before commit of transaction 735, time 2026-...
 *
 * A restored segment means replay has reached that segment's start; the
 * progress lines (every 10 s by default, PostgreSQL 15 and later) give the
 * exact position between them.
 */
export type ReplayLine =
  | { kind: 'restored'; segment: string; lsn: bigint }
  | { kind: 'at'; lsn: bigint }
  | { kind: 'starts'; lsn: bigint }
  | { kind: 'done'; lsn: bigint }
  | { kind: 'stopping'; text: string };

const RESTORED = /restored log file "([0-9A-F]{24})" from archive/;
const IN_PROGRESS = /redo in progress, elapsed time: [\d.]+ s, current LSN: ([0-9A-F]+\/[0-9A-F]+)/;
const STARTS = /redo starts at ([0-9A-F]+\/[0-9A-F]+)/;
const DONE = /redo done at ([0-9A-F]+\/[0-9A-F]+)/;
const STOPPING = /(recovery stopping (?:before|after) .*)$/;

/** The default WAL segment size; a cluster made with initdb --wal-segsize says its own (pg_controldata "Bytes per WAL segment"). */
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * Where a WAL segment file starts: its name is the timeline, then the high
 * 32 bits of the position, then the segment number within those 4 GB.
 */
export function segmentStartLsn(segment: string, segmentBytes = DEFAULT_SEGMENT_BYTES): bigint {
  if (!/^[0-9A-F]{24}$/.test(segment)) throw new Error(`not a WAL segment file name: "${segment}"`);
  const high = BigInt(`0x${segment.slice(8, 16)}`);
  const number = BigInt(`0x${segment.slice(16, 24)}`);
  return (high << 32n) + number * BigInt(segmentBytes);
}

/** What this server log line says about replay, or null for any other line. */
export function parseReplayLine(line: string, segmentBytes = DEFAULT_SEGMENT_BYTES): ReplayLine | null {
  let match = RESTORED.exec(line);
  if (match) return { kind: 'restored', segment: match[1]!, lsn: segmentStartLsn(match[1]!, segmentBytes) };
  if ((match = IN_PROGRESS.exec(line))) return { kind: 'at', lsn: parseLsn(match[1]!) };
  if ((match = STARTS.exec(line))) return { kind: 'starts', lsn: parseLsn(match[1]!) };
  if ((match = DONE.exec(line))) return { kind: 'done', lsn: parseLsn(match[1]!) };
  if ((match = STOPPING.exec(line))) return { kind: 'stopping', text: match[1]! };
  return null;
}

export interface ReplayRange {
  /** Where replay begins (the base backup's redo LSN, "START WAL LOCATION" of its backup_label); absent: read off "redo starts at". */
  from?: string;
  /** Where it should end: the end of the newest archived segment, or the position a target is known to be at. */
  to: string;
  segmentBytes?: number;
}

/**
 * A parseProgress for runJob over the recovering server's log lines: the
 * fraction of from..to replayed, in bytes of WAL; 1 once replay is done or
 * has stopped at its target. Positions never go back (a segment restored
 * after a progress line inside it does not undo it).
 */
export function walReplayProgress(range: ReplayRange): (line: string) => ProgressReport | null {
  const segmentBytes = range.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const to = parseLsn(range.to);
  let from = range.from === undefined ? undefined : parseLsn(range.from);
  let at = from ?? 0n;
  const report = (position: bigint): ProgressReport | null => {
    if (from === undefined) return null;
    if (position > at) at = position;
    const total = to > from ? Number(to - from) : 0;
    const done = Math.min(total, Math.max(0, Number(at - from)));
    return { fraction: total === 0 ? 1 : done / total, amount: { done, total, unit: 'bytes' } };
  };
  return (line) => {
    const seen = parseReplayLine(line, segmentBytes);
    if (!seen) return null;
    switch (seen.kind) {
      case 'starts':
        from ??= seen.lsn;
        return report(seen.lsn);
      case 'restored':
      case 'at':
        return report(seen.lsn);
      case 'done':
      case 'stopping':
        return report(to > at ? to : at);
    }
  };
}

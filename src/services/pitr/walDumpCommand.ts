import { pgTool } from '../runbooks/serviceControl.js';
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
 * Which pg_waldump reads the archive: the node's pgBinDir's when the config
 * names one; else the one of the backup's server major where distributions
 * install it off PATH (Debian /usr/lib/postgresql/N/bin, PGDG RPM
 * /usr/pgsql-N/bin), else PATH's. It must be the WAL's major: each major
 * has its own WAL page magic.
 */
export interface WalDumpTool {
  pgBinDir?: string;
  serverMajor?: number;
}

const PICK = 'p=; for c in "$1" "/usr/lib/postgresql/$2/bin/pg_waldump" "/usr/pgsql-$2/bin/pg_waldump"; do if [ -n "$c" ] && [ -x "$c" ]; then p=$c; break; fi; done; shift 2; exec "${p:-pg_waldump}" "$@"';

/** "17.10" → 17, "9.6.24" → 9 (no such old WAL is read here: PostgreSQL 12 and later). */
export function serverMajor(version: string): number | undefined {
  const major = Number.parseInt(version, 10);
  return Number.isInteger(major) && major > 0 ? major : undefined;
}

/**
 * pg_waldump over archived segments, only one resource manager's records
 * (Transaction: commits and aborts; XLOG: restore points), so a busy
 * segment's hundred thousand records do not all cross the wire. One -r only:
 * PostgreSQL 14 and older keep just the last. TZ=UTC: it prints commit times
 * in its own zone's abbreviation, which only UTC makes unambiguous.
 */
export function walDumpCommand(tool: WalDumpTool, archiveDir: string, range: SegmentRange, rmgr: 'Transaction' | 'XLOG'): CommandSpec {
  const args = ['--path', archiveDir, '--rmgr', rmgr, range.first, range.last];
  const common = { env: { TZ: 'UTC', LC_ALL: 'C' }, mutating: false, timeoutMs: 300_000 };
  if (tool.pgBinDir) return { program: pgTool({ pgBinDir: tool.pgBinDir }, 'pg_waldump'), args, ...common };
  if (tool.serverMajor === undefined) return { program: 'pg_waldump', args, ...common };
  return { program: 'sh', args: ['-c', PICK, 'sh', '', String(tool.serverMajor), ...args], ...common };
}

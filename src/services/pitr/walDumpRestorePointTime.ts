import path from 'node:path';
import { parseLsn } from '../postgres/lsn.js';
import type { CommandSpec } from '../runner/runner.js';

/**
 * A restore point's time, which pg_waldump does not print: it is the
 * record's rp_time (xl_restore_point: a TimestampTz, microseconds since
 * 2000-01-01 UTC, then the 64-byte name). Behind the 24-byte record header
 * comes the main data's short header (0xFF, then its length 72), so the time
 * is bytes 26..33 of the record, in the server's byte order. Read with `od`
 * from the archived segment; a record whose first 34 bytes cross a WAL page
 * (8 kB, a page header in between) is not read.
 */
const XLOG_BLCKSZ = 8192n;
const HEADER_AND_TIME = 34n;
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

/** The od command that prints the record's bytes 24..33, or null when they cross a page. */
export function restorePointBytesCommand(archiveDir: string, segment: string, lsn: string, segmentBytes: number): CommandSpec | null {
  const position = parseLsn(lsn);
  if ((position % XLOG_BLCKSZ) + HEADER_AND_TIME > XLOG_BLCKSZ) return null;
  const offset = position % BigInt(segmentBytes);
  return {
    program: 'od',
    args: ['-A', 'n', '-t', 'x1', '-v', '-j', String(offset + 24n), '-N', '10', path.posix.join(archiveDir, segment)],
    env: { LC_ALL: 'C' },
    mutating: false,
    timeoutMs: 30_000,
  };
}

/** od's hex bytes → the time, ISO 8601 with offset; null when they are not a restore point's (0xFF 72 first) or not a plausible time. */
export function restorePointTime(odOutput: string): string | null {
  const bytes = odOutput.trim().split(/\s+/).filter(Boolean).map((hex) => Number.parseInt(hex, 16));
  if (bytes.length !== 10 || bytes[0] !== 0xff || bytes[1] !== 72) return null;
  const time = bytes.slice(2);
  for (const order of [time.slice().reverse(), time]) {
    const micros = order.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
    const signed = micros >= 1n << 63n ? micros - (1n << 64n) : micros;
    const ms = POSTGRES_EPOCH_MS + Number(signed / 1000n);
    // Little-endian first (nearly every server); a time outside 2000..2200 means the other order.
    if (signed > 0n && ms < Date.UTC(2200, 0, 1)) {
      const seconds = new Date(ms - (ms % 1000)).toISOString().slice(0, 19);
      return `${seconds}.${(signed % 1_000_000n).toString().padStart(6, '0')}+00:00`;
    }
  }
  return null;
}

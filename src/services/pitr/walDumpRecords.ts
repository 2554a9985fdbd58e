import { formatLsn, parseLsn } from '../postgres/lsn.js';

/**
 * What pg_waldump tells the recoverable window: transaction ends with their
 * times and restore points with their names. One line per record:
 *
 *   rmgr: Transaction len (rec/tot): 34/34, tx: 726, lsn: 0/04000150, prev 0/04000110, desc: COMMIT 2026-11-30 16:26:37.719208 UTC
 *   rmgr: XLOG len (rec/tot): 98/98, tx: 724, lsn: 0/015165C8, prev 0/01516588, desc: RESTORE_POINT before-drop
 *
 * pg_waldump prints a commit's time in its own process's zone (strftime %Z,
 * microseconds always six digits), so it is run with TZ=UTC; a numeric zone
 * is read too. A restore point's line carries no time (xlogdesc.c prints only
 * the name).
 */
export type WalRecordFact =
  | { kind: 'commit' | 'abort'; lsn: string; time: string }
  | { kind: 'restorePoint'; lsn: string; name: string };

export interface WalDumpFacts {
  records: WalRecordFact[];
  /** Where reading ended before the last segment asked for did: the end of WAL written so far, or a record recovery would not pass either. */
  endOfWal?: { message: string };
}

const LINE = /\blsn: ([0-9A-F]+\/[0-9A-F]+), .*?\bdesc: (\S+) ?(.*)$/;
/** A commit's or abort's desc (COMMIT_PREPARED puts "gid …: " before the time). */
const TRANSACTION_END = /^(COMMIT|ABORT)(?:_PREPARED)?$/;
const TIME = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) (UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?:;|$)/;

/**
 * Where pg_waldump stopped because the WAL ends there, not because it failed:
 * a partial last segment (zeroes: "invalid record length … wanted 24, got 0"),
 * a recycled one ("unexpected pageaddr"). Recovery stops at the same place
 * (xlogreader.c's messages). Not "could not find a valid record after X":
 * X is always where the run began, an archived segment that was complete
 * when archived, so nothing at all could be read; pg_waldump says only that
 * (without xlogreader's reason) when the WAL is another major's (its page
 * magic differs), which is no end of WAL.
 */
const END_OF_WAL = /invalid record length|unexpected pageaddr|incorrect prev-link|missing contrecord|there is no contrecord flag|invalid magic number 0000|invalid record offset/;

/** "2026-11-30 16:26:37.719208 UTC" → "2026-11-30T16:26:37.719208+00:00" (microseconds kept: a target rounded to milliseconds would stop before the commit); null for a zone it cannot place. */
export function isoFromWalTime(date: string, time: string, zone: string): string | null {
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return `${date}T${time}+00:00`;
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!numeric) return null;
  return `${date}T${time}${numeric[1]}${numeric[2]}:${numeric[3] ?? '00'}`;
}

/** The records in pg_waldump's stdout; other lines ("first record is after …") are skipped. LSNs are given as pg_lsn prints them ("0/4000150"). */
export function parseWalDumpRecords(stdout: string): WalRecordFact[] {
  const records: WalRecordFact[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('rmgr: ')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const [, rawLsn, kind, rest = ''] = match;
    const lsn = formatLsn(parseLsn(rawLsn!));
    const end = TRANSACTION_END.exec(kind!);
    if (end) {
      const time = TIME.exec(rest);
      const iso = time ? isoFromWalTime(time[1]!, time[2]!, time[3]!) : null;
      if (iso) records.push({ kind: end[1] === 'COMMIT' ? 'commit' : 'abort', lsn, time: iso });
    } else if (kind === 'RESTORE_POINT') {
      records.push({ kind: 'restorePoint', lsn, name: rest.trimEnd() });
    }
  }
  return records;
}

/**
 * One pg_waldump run read: its records, and whether a non-zero exit was the
 * end of WAL (normal: the archive's newest segment may be the partial one a
 * restore_command never gets, or reading may reach zeroes). Anything else
 * (a missing file, WAL of another version) throws with pg_waldump's words.
 */
export function readWalDump(run: { exitCode: number | null; stdout: string; stderr: string }): WalDumpFacts {
  const records = parseWalDumpRecords(run.stdout);
  if (run.exitCode === 0) return { records };
  const message = run.stderr.trim().split('\n').filter(Boolean).at(-1)?.replace(/^pg_waldump: (error: |fatal: )?/, '') ?? '';
  if (END_OF_WAL.test(message)) return { records, endOfWal: { message } };
  throw new Error(`pg_waldump ${run.exitCode === null ? 'was stopped' : `exited with ${run.exitCode}`}: ${message || '(no message)'}`);
}

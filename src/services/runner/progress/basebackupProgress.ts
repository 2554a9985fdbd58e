import type { ProgressReport } from '../jobRecord.js';

/**
 * pg_basebackup --progress, one report a line (at most one a second; the local
 * runner splits on \r, and off a terminal pg_basebackup ends each report with
 * \n anyway). The formats (pg_basebackup.c, progress_report()):
 *
 *     " 32810/137344 kB (23%), 0/1 tablespace"
 *     " 32810/137344 kB (23%), 0/1 tablespace (...09/base/16385/16408)"   with -v
 *     "137355/137355 kB (100%), 1/1 tablespace                    "        the last one, with -v
 *     "  9000/40000 kB (22%), 1/2 tablespaces"
 *
 * The done column is padded to the width of the total. The total is the
 * server's estimate: pg_basebackup raises it to what is done once the backup
 * outgrows it (WAL included) and caps the percentage at 100, so a report near
 * the end may read "137355/137355 kB (100%)". Without an estimate
 * (--no-estimate-size, refused with --progress since PostgreSQL 15) the
 * percentage stays 0 while the total follows the done column.
 *
 * The message is translated: run pg_basebackup with LC_MESSAGES=C to be sure;
 * the pattern only relies on the digits, the slash and the "(N%)".
 */
export interface BasebackupProgress {
  doneKb: number;
  totalKb: number;
  /** As pg_basebackup printed it: whole percent, at most 100. */
  percent: number;
  /** Tablespaces finished, and how many there are (the data directory counts as one). */
  tablespacesDone: number;
  tablespaceCount: number;
  /** The file being received, with -v (pg_basebackup cuts long paths to "...tail"). */
  file?: string;
}

const REPORT = /^\s*(\d+)\/(\d+) \S+ \((\d+) ?%\), (\d+)\/(\d+) \S+(?: \((.*)\))?\s*$/;

/** The report on this line, or null for any other line ("waiting for checkpoint", "pg_basebackup: ..."). */
export function parseBasebackupProgress(line: string): BasebackupProgress | null {
  const match = REPORT.exec(line);
  if (!match) return null;
  const [, done, total, percent, tablespacesDone, tablespaceCount, file] = match;
  const report: BasebackupProgress = {
    doneKb: Number(done),
    totalKb: Number(total),
    percent: Number(percent),
    tablespacesDone: Number(tablespacesDone),
    tablespaceCount: Number(tablespaceCount),
  };
  const trimmed = file?.trimEnd();
  return trimmed ? { ...report, file: trimmed } : report;
}

/** The report as runJob's parseProgress takes it: the fraction and the bytes behind it, for the rate and the time left. */
export function basebackupProgressReport(line: string): ProgressReport | null {
  const fraction = basebackupProgressFraction(line);
  const report = fraction === null ? null : parseBasebackupProgress(line);
  if (fraction === null || !report) return null;
  return { fraction, amount: { done: report.doneKb * 1024, total: report.totalKb * 1024, unit: 'bytes' } };
}

/**
 * How far the backup is, 0..1, for runJob's parseProgress; null when the line
 * is no report or the size is unknown. The kB columns give a finer fraction
 * than the whole percent.
 */
export function basebackupProgressFraction(line: string): number | null {
  const report = parseBasebackupProgress(line);
  if (!report) return null;
  // No estimate: the total only follows the done column, so their ratio says nothing.
  if (report.totalKb === 0 || (report.percent === 0 && report.doneKb === report.totalKb)) return null;
  return Math.min(1, report.doneKb / report.totalKb);
}

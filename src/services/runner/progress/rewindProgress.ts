import type { ProgressReport } from '../jobRecord.js';

/**
 * pg_rewind --progress (pg_rewind.c, progress_report()), one report a line
 * (the local runner splits on \r, and off a terminal each ends with \n):
 *
 *     "  10264/183502 kB (5%) copied"
 *
 * The total is what pg_rewind decided to fetch from the source (changed
 * blocks, whole files, and the source's WAL): known before the copy starts.
 * Run with LC_MESSAGES=C: the pattern relies on the digits and "(N%)".
 */
const REPORT = /^\s*(\d+)\/(\d+) kB \((\d+)%\) copied\s*$/;

/** The report as runJob's parseProgress takes it, or null for any other line. */
export function rewindProgressReport(line: string): ProgressReport | null {
  const match = REPORT.exec(line);
  if (!match) return null;
  const done = Number(match[1]) * 1024;
  const total = Number(match[2]) * 1024;
  if (total === 0) return null;
  return { fraction: Math.min(1, done / total), amount: { done, total, unit: 'bytes' } };
}

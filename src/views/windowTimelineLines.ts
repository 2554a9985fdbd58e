import type { RecoverableWindow } from '../services/pitr/recoverableWindowTypes.js';

export interface TimelineLine {
  text: string;
  muted?: boolean;
}

/**
 * The recoverable windows as a timeline, one row per base backup on one
 * time axis (the earliest backup's end to the latest commit):
 *
 *   base-20261130T100000Z  ●━━━━━━━━━━R━━━━━━━━━━━━━✗
 *   base-20261130T140000Z                 ●━━━━━━━━━━━━━━━━━━━━━━━━
 *
 * ● the backup's end (the earliest point it reaches), ━ archived WAL it can
 * replay, R a restore point, ✗ a gap (recovery cannot pass it), and under
 * each row the times to type into `pgcockpit pitr --target-time`. Pure: the
 * windows come from readRecoverableWindows through the picker's glue.
 */
export function windowTimelineLines(windows: readonly RecoverableWindow[], width: number): TimelineLine[] {
  if (windows.length === 0) return [{ text: 'no complete base backup in the catalog: pgcockpit basebackup (F on the grid) takes one', muted: true }];
  const label = Math.max(...windows.map((window) => window.backupId.length)) + 2;
  const bar = Math.max(10, width - label - 2);
  const times = windows.flatMap((window) => [window.from, window.to].filter((time): time is string => Boolean(time)).map(Date.parse)).filter(Number.isFinite);
  const start = Math.min(...times);
  const end = Math.max(...times);
  const column = (iso: string): number => (end === start ? 0 : Math.round(((Date.parse(iso) - start) / (end - start)) * (bar - 1)));
  const lines: TimelineLine[] = [{ text: `${' '.repeat(label)}${axis(start, end, bar)}`, muted: true }];
  for (const window of windows) {
    const cells = Array.from({ length: bar }, () => ' ');
    if (window.from && Number.isFinite(Date.parse(window.from))) {
      const from = column(window.from);
      const to = window.to ? column(window.to) : from;
      for (let at = from + 1; at <= to; at++) cells[at] = '━';
      for (const point of window.restorePoints) {
        const at = column(point.at);
        if (at > from && at <= to) cells[at] = 'R';
      }
      if (window.gaps.length > 0 && to + 1 < bar) cells[to + 1] = '✗';
      cells[from] = '●';
    }
    lines.push({ text: `${window.backupId.padEnd(label)}${cells.join('').trimEnd()}` });
    for (const text of detail(window)) lines.push({ text: `${' '.repeat(label)}${text}`, muted: true });
  }
  lines.push({ text: '● backup end (earliest point)  ━ archived WAL  R restore point  ✗ gap: recovery stops before it', muted: true });
  return lines;
}

/** The axis: the first and last times at its ends, in UTC, to the second where they fit, else to the minute. */
function axis(start: number, end: number, width: number): string {
  for (const format of [(ms: number) => `${iso(ms).slice(0, 19)} UTC`, (ms: number) => `${iso(ms).slice(5, 16)}Z`]) {
    const left = format(start);
    const right = format(end);
    if (end === start) return left;
    if (left.length + right.length + 2 <= width) return `${left}${' '.repeat(width - left.length - right.length)}${right}`;
  }
  return `${iso(start).slice(5, 16)}Z`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ');
}

/** "from … to …", then "timeline 2 · restore points: a, b · gap at …"; or why it has no window. */
function detail(window: RecoverableWindow): string[] {
  if (window.problem) return [`✗ ${window.problem}`];
  const parts = [`timeline ${window.timeline}`];
  if (window.restorePoints.length > 0) parts.push(`restore points: ${window.restorePoints.map((point) => point.name).join(', ')}`);
  if (window.gaps[0]) parts.push(`gap at ${window.gaps[0].segment} (${window.gaps[0].atLsn})`);
  // A search stopped at its bound: "not known", never "none".
  const unread = [window.incomplete?.lastCommit, window.incomplete?.restorePoints].filter((text): text is string => Boolean(text)).map((text) => `? ${text}`);
  return [`from ${window.from} to ${window.to ?? (window.incomplete?.lastCommit ? '?' : "(no commit after the backup's end)")}`, parts.join(' · '), ...unread];
}

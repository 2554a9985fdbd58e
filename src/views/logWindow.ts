/** Which lines of the log show, as indexes into the buffer. */
export interface LogWindow {
  /** Index of the first line shown. */
  first: number;
  /** One past the last line shown. */
  end: number;
  /** Lines newer than the view (0 when following). */
  newBelow: number;
  following: boolean;
}

/**
 * The `rows` lines that end at `viewEnd` (an absolute line number, null: the
 * tail), kept inside the buffer: when the ring buffer has dropped the lines a
 * scrolled view was on, it shows the oldest lines kept. Only this window is
 * ever rendered, however many lines the buffer holds.
 */
export function logWindow(length: number, logAppended: number, viewEnd: number | null, rows: number): LogWindow {
  const oldest = logAppended - length;
  const end = viewEnd === null ? logAppended : Math.max(Math.min(oldest + rows, logAppended), Math.min(viewEnd, logAppended));
  const first = Math.max(oldest, end - Math.max(0, rows));
  return { first: first - oldest, end: end - oldest, newBelow: logAppended - end, following: viewEnd === null };
}

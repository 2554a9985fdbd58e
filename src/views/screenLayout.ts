/**
 * The screen's geometry as plain arithmetic, so views stay declarative and
 * the numbers can be tested on their own.
 */

/** Below this the cockpit shows only "terminal too small". */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
/** From here on, panes stand side by side up to four across and every line shows. */
export const COMFORTABLE_COLUMNS = 120;
export const MIN_PANE_WIDTH = 38;
/** Border plus six lines: name, address, and the four that matter most. */
export const MIN_PANE_HEIGHT = 8;
export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 1;
/** Log lines under the log pane's title: a few, more on a tall terminal. */
export function logLineCount(rows: number): number {
  return rows >= 40 ? 6 : rows >= 30 ? 4 : 3;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function isTooSmall({ columns, rows }: TerminalSize): boolean {
  return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/** Narrower than comfortable: panes stack one or two across and drop their less important lines. */
export function isCompact(columns: number): boolean {
  return columns < COMFORTABLE_COLUMNS;
}

/**
 * Rows between header and footer. The root box is rows - 1 tall: a root of
 * exactly `rows` makes Ink clear and redraw the whole screen every frame.
 */
export function bodyHeight(rows: number): number {
  return rows - 1 - HEADER_ROWS - FOOTER_ROWS;
}

/** Which panes show, and how big, when the grid gets `width` × `height` cells. */
export interface GridWindow {
  perRow: number;
  paneWidth: number;
  paneHeight: number;
  /** Index of the first pane shown. */
  firstIndex: number;
  /** One past the last pane shown. */
  endIndex: number;
  hiddenAbove: number;
  hiddenBelow: number;
  /** A line saying how many panes are scrolled away takes one row. */
  scrollLine: boolean;
  /** Rows the panes take; what flooring leaves stays blank above the log. */
  usedHeight: number;
}

export function panesPerRow(nodeCount: number, width: number): number {
  const widest = isCompact(width) ? 2 : 4;
  return Math.max(1, Math.min(nodeCount, widest, Math.floor(width / MIN_PANE_WIDTH)));
}

/**
 * Lays the panes out in rows and picks the rows that fit, so that the
 * selected pane is always shown: it sits on the last row shown once the
 * selection moves past what fits.
 */
export function gridWindow(nodeCount: number, selected: number, width: number, height: number): GridWindow {
  const perRow = panesPerRow(nodeCount, width);
  const paneWidth = Math.floor(width / perRow);
  const gridRows = Math.ceil(nodeCount / perRow);
  const scrollLine = gridRows > Math.floor(height / MIN_PANE_HEIGHT);
  const available = scrollLine ? height - 1 : height;
  const visibleRows = Math.max(1, Math.min(gridRows, Math.floor(available / MIN_PANE_HEIGHT)));
  const paneHeight = Math.floor(available / visibleRows);
  const selectedRow = Math.floor(Math.max(0, selected) / perRow);
  const firstRow = Math.max(0, Math.min(selectedRow - visibleRows + 1, gridRows - visibleRows));
  const firstIndex = firstRow * perRow;
  const endIndex = Math.min(nodeCount, (firstRow + visibleRows) * perRow);
  return {
    perRow,
    paneWidth,
    paneHeight,
    firstIndex,
    endIndex,
    hiddenAbove: firstIndex,
    hiddenBelow: nodeCount - endIndex,
    scrollLine,
    usedHeight: Math.min(gridRows, visibleRows) * paneHeight + (scrollLine ? 1 : 0),
  };
}

/** The whole main screen: the log's few lines at the bottom, the grid above them. */
export interface MainLayout {
  compact: boolean;
  body: number;
  grid: GridWindow;
  logLines: number;
}

/**
 * Rows of log lines under the log's title: a few below the grid, or all the
 * body but the title (and the job bar, `jobRows`) when the log has the whole screen.
 */
export function logRows(size: TerminalSize, fullScreen: boolean, jobRows = 0): number {
  return fullScreen ? bodyHeight(size.rows) - 1 - jobRows : logLineCount(size.rows);
}

/** `jobRows`: the job bar above the log while a job runs (0 or 1); the grid gives up the row. */
export function mainLayout(size: TerminalSize, nodeCount: number, selected: number, jobRows = 0): MainLayout {
  const body = bodyHeight(size.rows);
  const logLines = logLineCount(size.rows);
  const grid = gridWindow(nodeCount, selected, size.columns, body - 1 - logLines - jobRows);
  return { compact: isCompact(size.columns), body, grid, logLines };
}

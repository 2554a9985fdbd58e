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
/** The fewest log lines under the log pane's title (more on a tall terminal); the log gets every row the panes do not need. */
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
  /** The height of each row of panes shown, top first: what its tallest pane wants, less when they do not all fit. */
  rowHeights: number[];
  /** Index of the first pane shown. */
  firstIndex: number;
  /** One past the last pane shown. */
  endIndex: number;
  hiddenAbove: number;
  hiddenBelow: number;
  /** A line saying how many panes are scrolled away takes one row. */
  scrollLine: boolean;
  /** Rows the panes take (and the scroll line); the log gets the rest. */
  usedHeight: number;
}

export function panesPerRow(nodeCount: number, width: number): number {
  const widest = isCompact(width) ? 2 : 4;
  return Math.max(1, Math.min(nodeCount, widest, Math.floor(width / MIN_PANE_WIDTH)));
}

/** The text width inside a pane (border and padding take two columns each side). */
export function paneInnerWidth(nodeCount: number, width: number): number {
  return Math.floor(width / panesPerRow(nodeCount, width)) - 4;
}

/**
 * Lays the panes out in rows and picks the rows that fit, so that the
 * selected pane is always shown: it sits on the last row shown once the
 * selection moves past what fits. `wanted`: the rows each node's pane needs
 * to show every line (paneRowsWanted), or a node count (each wants
 * MIN_PANE_HEIGHT). A row of panes is as tall as its tallest pane wants; a
 * row counts at most MIN_PANE_HEIGHT when deciding what fits, and when the
 * rows shown want more than `height`, the tallest give way first.
 */
export function gridWindow(wanted: readonly number[] | number, selected: number, width: number, height: number): GridWindow {
  const wants = typeof wanted === 'number' ? Array.from({ length: wanted }, () => MIN_PANE_HEIGHT) : wanted;
  const nodeCount = wants.length;
  const perRow = panesPerRow(nodeCount, width);
  const paneWidth = Math.floor(width / perRow);
  const gridRows = Math.ceil(nodeCount / perRow);
  const rowWants = Array.from({ length: gridRows }, (_, row) => Math.max(...wants.slice(row * perRow, (row + 1) * perRow)));
  const floors = rowWants.map((want) => Math.min(want, MIN_PANE_HEIGHT));
  const scrollLine = sum(floors) > height;
  const available = Math.max(0, scrollLine ? height - 1 : height);
  const selectedRow = Math.min(gridRows - 1, Math.floor(Math.max(0, selected) / perRow));
  const [firstRow, endRow] = rowsThatFit(floors, selectedRow, available);
  const rowHeights = shrunkToFit(rowWants.slice(firstRow, endRow), floors.slice(firstRow, endRow), available);
  const firstIndex = firstRow * perRow;
  const endIndex = Math.min(nodeCount, endRow * perRow);
  return {
    perRow,
    paneWidth,
    rowHeights,
    firstIndex,
    endIndex,
    hiddenAbove: firstIndex,
    hiddenBelow: nodeCount - endIndex,
    scrollLine,
    usedHeight: sum(rowHeights) + (scrollLine ? 1 : 0),
  };
}

/** The rows [first, end) shown: from the top, or ending at the selected row once it is past what fits; at least one. */
function rowsThatFit(floors: readonly number[], selectedRow: number, available: number): [number, number] {
  if (floors.length === 0) return [0, 0];
  let end = 0;
  while (end < floors.length && sum(floors.slice(0, end + 1)) <= available) end++;
  if (selectedRow < Math.max(1, end)) return [0, Math.max(1, end)];
  let first = selectedRow;
  while (first > 0 && sum(floors.slice(first - 1, selectedRow + 1)) <= available) first--;
  return [first, selectedRow + 1];
}

/** Each row's wanted height, the tallest cut a row at a time (never below its floor, nor below 1 when nothing fits) until they fit. */
function shrunkToFit(wants: readonly number[], floors: readonly number[], available: number): number[] {
  const heights = [...wants];
  while (sum(heights) > available) {
    let tallest = -1;
    for (let i = 0; i < heights.length; i++) if (heights[i]! > floors[i]! && (tallest < 0 || heights[i]! > heights[tallest]!)) tallest = i;
    if (tallest < 0) {
      // Even the floors do not fit (a terminal at the minimum size): what is left, split evenly.
      return heights.map(() => Math.max(1, Math.floor(available / heights.length)));
    }
    heights[tallest]! -= 1;
  }
  return heights;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The whole main screen: the grid as tall as its panes need, the log under it with the rest. */
export interface MainLayout {
  compact: boolean;
  body: number;
  grid: GridWindow;
  logLines: number;
}

/**
 * Rows of log lines under the log's title when the log has the whole screen:
 * all the body but the title (and the job bar, `jobRows`). Under the grid,
 * the log gets what mainLayout leaves it.
 */
export function logRows(size: TerminalSize, fullScreen: boolean, jobRows = 0): number {
  return fullScreen ? bodyHeight(size.rows) - 1 - jobRows : logLineCount(size.rows);
}

/**
 * `wanted`: the rows each pane needs (paneRowsWanted; a node count: the
 * minimum each). The grid gets what its panes need, up to what leaves the log
 * its few lines (logLineCount); the log gets every row the grid does not use.
 * `jobRows`: the job bar above the log while a job runs (0 or 1).
 */
export function mainLayout(size: TerminalSize, wanted: readonly number[] | number, selected: number, jobRows = 0): MainLayout {
  const body = bodyHeight(size.rows);
  const grid = gridWindow(wanted, selected, size.columns, body - 1 - logLineCount(size.rows) - jobRows);
  return { compact: isCompact(size.columns), body, grid, logLines: body - 1 - jobRows - grid.usedHeight };
}

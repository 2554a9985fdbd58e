/**
 * The text of one pane column of a frame: panes stand side by side, so a
 * pane's lines are the same column range on every frame line. Box-drawing
 * characters and the pane's symbols are one UTF-16 unit and one cell each.
 */
export function paneColumn(frame: string, column: number, paneWidth: number): string {
  return frame
    .split('\n')
    .map((line) => line.slice(column * paneWidth, (column + 1) * paneWidth).trimEnd())
    .join('\n');
}

/** The frame's lines, trailing blanks cut, for "which line is X on". */
export function lineIndexOf(frame: string, text: string): number {
  return frame.split('\n').findIndex((line) => line.includes(text));
}

// Keys as a terminal sends them.
export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  tab: '\t',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  backspace: '\x7f',
  escape: '\x1b',
  space: ' ',
  ctrlC: '\x03',
} as const;

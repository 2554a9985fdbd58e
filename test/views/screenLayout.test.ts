import { describe, expect, it } from 'vitest';
import { gridWindow, isTooSmall, logRows, mainLayout, MIN_PANE_HEIGHT, panesPerRow } from '../../src/views/screenLayout.js';

describe('panesPerRow', () => {
  it.each([
    [3, 80, 2],
    [3, 119, 2],
    [3, 120, 3],
    [9, 160, 4],
    [9, 300, 4],
    [1, 200, 1],
    [0, 120, 1],
  ])('%i nodes at %i columns: %i across', (nodes, columns, expected) => {
    expect(panesPerRow(nodes, columns)).toBe(expected);
  });

  it('never makes a pane narrower than 38 columns from 80 up', () => {
    for (let columns = 80; columns <= 300; columns++) expect(Math.floor(columns / panesPerRow(9, columns))).toBeGreaterThanOrEqual(38);
  });
});

describe('gridWindow', () => {
  it('shows every pane when they fit', () => {
    expect(gridWindow(3, 0, 120, 30)).toMatchObject({ perRow: 3, firstIndex: 0, endIndex: 3, scrollLine: false, hiddenBelow: 0 });
  });

  it('keeps the selected row on screen when they do not', () => {
    // 9 nodes, 2 across: 5 rows; 17 rows of grid fit 2 rows of panes under the scroll line.
    for (let selected = 0; selected < 9; selected++) {
      const grid = gridWindow(9, selected, 80, 17);
      expect(grid.scrollLine).toBe(true);
      expect(grid.endIndex - grid.firstIndex).toBeLessThanOrEqual(4);
      expect(selected).toBeGreaterThanOrEqual(grid.firstIndex);
      expect(selected).toBeLessThan(grid.endIndex);
      expect(Math.min(...grid.rowHeights)).toBeGreaterThanOrEqual(MIN_PANE_HEIGHT);
      expect(grid.usedHeight).toBeLessThanOrEqual(17);
    }
  });
});

describe('mainLayout', () => {
  it('gives the panes the rows they want and the log the rest', () => {
    // 160×45: three panes of 11 rows in one row; the log gets 41 - 1 - 11 = 29 lines, not 6.
    const layout = mainLayout({ columns: 160, rows: 45 }, [11, 9, 9], 0);
    expect(layout.body).toBe(41);
    expect(layout.grid.rowHeights).toEqual([11]);
    expect(layout.logLines).toBe(29);
  });

  it('lets a row of panes grow with what its tallest pane has to show, keeping the log its few lines', () => {
    // A primary with many standbys and slots wants 30 rows.
    expect(mainLayout({ columns: 160, rows: 45 }, [30, 9, 9], 0).grid.rowHeights).toEqual([30]);
    expect(mainLayout({ columns: 160, rows: 45 }, [30, 9, 9], 0).logLines).toBe(10);
    // More than the body has: the log keeps its 6 lines, the pane is cut (and says so).
    const tall = mainLayout({ columns: 160, rows: 45 }, [60, 9, 9], 0);
    expect(tall.logLines).toBe(6);
    expect(tall.grid.usedHeight).toBe(41 - 1 - 6);
  });

  it('shrinks the tallest row first when two rows want more than fits (80×24)', () => {
    const layout = mainLayout({ columns: 80, rows: 24 }, [12, 7, 7], 0);
    expect(layout.grid.rowHeights).toEqual([9, 7]);
    expect(layout.logLines).toBe(3);
  });

  it('keeps the old geometry for a node count (every pane its minimum)', () => {
    const layout = mainLayout({ columns: 120, rows: 40 }, 3, 0);
    expect(layout.body).toBe(36);
    expect(layout.grid.rowHeights).toEqual([MIN_PANE_HEIGHT]);
    expect(layout.logLines).toBe(36 - 1 - MIN_PANE_HEIGHT);
    expect(mainLayout({ columns: 80, rows: 24 }, 3, 0).logLines).toBeGreaterThanOrEqual(3);
  });

  it('never gives the grid more rows than the body has', () => {
    for (let rows = 24; rows <= 80; rows++) {
      for (const nodes of [1, 3, 9, 20]) {
        const layout = mainLayout({ columns: 100, rows }, nodes, nodes - 1);
        expect(layout.grid.usedHeight + 1 + layout.logLines, `${rows} rows, ${nodes} nodes`).toBe(layout.body);
        expect(layout.logLines).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('makes room for the job bar: the grid gives up the row under the log, the full-screen log one line', () => {
    for (let rows = 24; rows <= 80; rows++) {
      for (const nodes of [1, 3, 9, 20]) {
        const layout = mainLayout({ columns: 100, rows }, nodes, nodes - 1, 1);
        expect(layout.grid.usedHeight + 1 + 1 + layout.logLines, `${rows} rows, ${nodes} nodes`).toBe(layout.body);
      }
    }
    expect(logRows({ columns: 120, rows: 40 }, true, 1)).toBe(logRows({ columns: 120, rows: 40 }, true) - 1);
  });

  it('is compact below 120 columns', () => {
    expect(mainLayout({ columns: 119, rows: 40 }, 3, 0).compact).toBe(true);
    expect(mainLayout({ columns: 120, rows: 40 }, 3, 0).compact).toBe(false);
  });
});

describe('isTooSmall', () => {
  it.each([
    [80, 24, false],
    [79, 24, true],
    [80, 23, true],
    [70, 20, true],
  ])('%i×%i: %s', (columns, rows, expected) => {
    expect(isTooSmall({ columns, rows })).toBe(expected);
  });
});

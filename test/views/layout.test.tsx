import { afterEach, describe, expect, it } from 'vitest';
import { cleanupCockpits, nodesConfig, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, primarySnapshot, standbySnapshot, TICK_AT } from './fixtures.js';
import { KEY, lineIndexOf } from './paneText.js';

afterEach(cleanupCockpits);

/** n nodes: pg1 primary, the rest standbys streaming from it. */
function manyNodesView(count: number) {
  return clusterView({
    nodes: Array.from({ length: count }, (_, i) => (i === 0 ? primarySnapshot('pg1') : standbySnapshot(`pg${i + 1}`, 5432 + i))),
    links: [],
    at: TICK_AT,
  });
}

describe('full screen', () => {
  it.each([
    [120, 40],
    [90, 30],
    [80, 24],
    [200, 60],
  ])('fills %i×%i with a root one row short of the terminal, footer on the last line', async (columns, rows) => {
    const { plainFrame } = renderCockpit({ view: clusterView(), columns, rows });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    const lines = frame.split('\n');
    expect(lines).toHaveLength(rows - 1);
    expect(lines.every((line) => line.length <= columns)).toBe(true);
    expect(lines[0]).toContain('pgcockpit');
    expect(lines.at(-1)).toMatch(/q\s+quit/);
    expect(lines.at(-1)).toMatch(/\?\s+help/);
  });
});

describe('comfortable width (120 columns and up)', () => {
  it('puts up to four panes side by side and shows every line', async () => {
    const { plainFrame } = renderCockpit({ config: nodesConfig(5), view: manyNodesView(5), columns: 160, rows: 45 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('5 pg5'));
    const firstRow = lineIndexOf(frame, '1 pg1');
    expect(lineIndexOf(frame, '4 pg4')).toBe(firstRow);
    expect(lineIndexOf(frame, '5 pg5')).toBeGreaterThan(firstRow);
    expect(frame).toContain('recv 0/3000148 · replay 0/3000148');
    expect(frame).toContain('slot slot_pg2 active 16 MB reserved');
  });
});

describe('narrow terminal (80 to 119 columns)', () => {
  it('stacks the panes two across at 90×30 and drops the less important lines', async () => {
    const { plainFrame } = renderCockpit({ view: clusterView(), columns: 90, rows: 30 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('3 pg3'));
    const firstRow = lineIndexOf(frame, '1 pg1');
    expect(lineIndexOf(frame, '2 pg2')).toBe(firstRow);
    expect(lineIndexOf(frame, '3 pg3')).toBeGreaterThan(firstRow + 5);
    // Kept: role, lag, archiver. Dropped: the LSN pair and one line per slot (a summary instead).
    expect(frame).toContain('✓ caught up');
    expect(frame).not.toContain('recv 0/3000148');
    expect(frame).not.toContain('slot slot_pg2');
    expect(frame).toContain('slots 2 · retain 32 MB');
  });
});

describe('more nodes than fit', () => {
  it('scrolls so the selected node stays visible, and says how many are hidden', async () => {
    const { press, plainFrame } = renderCockpit({ config: nodesConfig(9), view: manyNodesView(9), columns: 80, rows: 24 });
    let frame = await waitForFrame(plainFrame, (f) => f.includes('1 pg1'));
    expect(frame).not.toContain('9 pg9');
    expect(frame).toMatch(/▲ 0 more above · ▼ \d more below/);
    await press('9');
    frame = await waitForFrame(plainFrame, (f) => f.includes('9 pg9'));
    expect(frame).not.toContain('1 pg1');
    expect(frame).toMatch(/▲ \d more above · ▼ 0 more below/);
    await press('j'); // wraps to the first node, which scrolls back into view
    frame = await waitForFrame(plainFrame, (f) => f.includes('1 pg1'));
    expect(frame).not.toContain('9 pg9');
  });
});

describe('terminal too small', () => {
  it('below 80×24 shows only the message, and q still quits', async () => {
    const { plainFrame, press, exited } = renderCockpit({ view: clusterView(), columns: 70, rows: 20 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('too small'));
    expect(frame).toContain('terminal too small: have 70×20, need 80×24');
    expect(frame).not.toContain('pgcockpit');
    expect(frame).not.toContain('PRIMARY');
    await press('q');
    await waitForFrame(() => String(exited()), (s) => s === 'true');
  });

  it.each([
    [79, 30],
    [120, 23],
  ])('%i×%i is too small as well', async (columns, rows) => {
    const { plainFrame } = renderCockpit({ columns, rows });
    expect(await waitForFrame(plainFrame, (f) => f.includes('too small'))).toContain(`have ${columns}×${rows}, need 80×24`);
  });

  it('node keys do nothing on the too-small screen', async () => {
    const { store, press } = renderCockpit({ view: clusterView(), columns: 70, rows: 20 });
    await press('j', KEY.enter, KEY.tab);
    expect(store.getState()).toMatchObject({ selectedNode: 0, overlay: 'none', focus: 'nodes' });
  });

  it('follows the terminal when it is resized', async () => {
    const { plainFrame, resize } = renderCockpit({ view: clusterView() });
    await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    resize(70, 20);
    await waitForFrame(plainFrame, (f) => f.includes('have 70×20'));
    resize(100, 30);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    expect(frame.split('\n')).toHaveLength(29);
  });
});

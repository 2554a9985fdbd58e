import { afterEach, describe, expect, it } from 'vitest';
import type { KeyBinding, KeyContext, KeyPress } from '../../src/state/keyTable.js';
import { bindingFor, KEY_TABLE, WHEN_LABEL } from '../../src/state/keyTable.js';
import type { HelpItem } from '../../src/views/helpLayout.js';
import { helpItems, helpKeysWidth, helpPage, helpTopAfter, helpWindow, lastHelpTop, wrapWords } from '../../src/views/helpLayout.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/** The overlay's inside lines (between its double border), title first. */
function overlayLines(frame: string): string[] {
  return frame
    .split('\n')
    .filter((line) => line.startsWith('║'))
    .map((line) => line.slice(1, -1).trim());
}

/** Opens the help and pages through it with PgDn to the end: every page's lines. */
async function helpPages(columns: number, rows: number): Promise<string[][]> {
  const { press, plainFrame, store } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns, rows });
  await press('?');
  await waitForFrame(plainFrame, (f) => f.includes('Esc or ? closes'));
  const pages: string[][] = [];
  for (let page = 0; page < 40; page++) {
    const frame = plainFrame();
    // Nothing of the overlay runs past its border: every line is exactly the terminal's width.
    for (const line of frame.split('\n').filter((text) => text.startsWith('║'))) expect(Array.from(line), line).toHaveLength(columns);
    pages.push(overlayLines(frame));
    if (!frame.includes('↓ more below')) return pages;
    const top = store.getState().helpTop;
    await press(KEY.pageDown);
    await waitForFrame(() => String(store.getState().helpTop), (value) => value !== String(top));
  }
  throw new Error('the help never reached its end');
}

function bindingItems(items: readonly HelpItem[]) {
  return items.flatMap((item) => (item.kind === 'binding' ? [item] : []));
}

describe('the ? overlay', () => {
  it.each([
    [80, 24],
    [100, 30],
    [160, 45],
  ])('at %i×%i lists every binding of the key table whole, under where it works, paging with PgDn', async (columns, rows) => {
    const pages = await helpPages(columns, rows);
    const shown = pages.flat();
    for (const item of bindingItems(helpItems(columns - 4))) {
      const [firstLine, ...rest] = item.lines;
      // The keys and the description's first line on one line, the rest of the description on the lines after it, on the same page.
      const page = pages.find((lines) => lines.some((line) => line.startsWith(item.keys) && line.endsWith(firstLine!)));
      expect(page, `${item.binding.command} (${item.binding.when}): ${item.keys} ${item.binding.description}`).toBeDefined();
      const at = page!.findIndex((line) => line.startsWith(item.keys) && line.endsWith(firstLine!));
      rest.forEach((line, index) => expect(page![at + 1 + index], item.binding.command).toBe(line));
    }
    for (const when of new Set(KEY_TABLE.map((binding) => binding.when))) expect(shown, when).toContain(WHEN_LABEL[when]);
  });

  it('pages so that each entry is seen whole and none is skipped: ↓/↑ move one entry, End and Home go to the ends', async () => {
    const { press, plainFrame, store } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 80, rows: 24 });
    await press('?');
    expect(plainFrame()).toContain('↓ more below · Esc or ? closes');
    expect(plainFrame()).not.toContain('↑ more above');
    await press(KEY.down, 'j');
    expect(store.getState().helpTop).toBe(2);
    await press(KEY.up);
    expect(store.getState().helpTop).toBe(1);
    await press(KEY.end);
    const bottom = await waitForFrame(plainFrame, (f) => !f.includes('↓ more below'));
    expect(bottom).toContain('↑ more above · Esc or ? closes');
    const last = helpItems(76).at(-1)!;
    expect(last.kind).toBe('binding');
    // The last page holds whole entries only: rows they leave free stay blank below them.
    if (last.kind === 'binding') expect(overlayLines(bottom).filter((line) => line !== '').at(-1)).toMatch(new RegExp(`^${last.keys}\\s+${last.lines.at(-1)}$`));
    // Past the end, nothing moves.
    const top = store.getState().helpTop;
    await press(KEY.pageDown, KEY.down);
    expect(store.getState().helpTop).toBe(top);
    await press('g');
    expect(store.getState().helpTop).toBe(0);
    // Closing and opening again starts at the top.
    await press(KEY.end, '?', '?');
    expect(store.getState()).toMatchObject({ overlay: 'help', helpTop: 0 });
  });

  it('the footer names the scroll keys while the help is open', async () => {
    const { press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 80, rows: 24 });
    await press('?');
    const footer = (await waitForFrame(plainFrame, (f) => f.includes('Esc or ? closes'))).split('\n').at(-1)!;
    expect(footer).toMatch(/↓\s+scroll/);
    expect(footer).toMatch(/\?\s+help/);
    expect(footer).toMatch(/Esc\s+close/);
  });
});

describe('helpLayout', () => {
  const items = helpItems(76);

  it('holds every binding of the key table once, in table order within its section', () => {
    expect(new Set(bindingItems(items).map((item) => item.binding))).toEqual(new Set(KEY_TABLE));
    expect(bindingItems(items)).toHaveLength(KEY_TABLE.length);
    for (const item of bindingItems(items)) expect(item.lines.join(' ')).toBe(item.binding.description.split(/\s+/).join(' '));
  });

  it('wraps at words, splitting only a word longer than the line', () => {
    expect(wrapWords('scroll the log a page up (older)', 12)).toEqual(['scroll the', 'log a page', 'up (older)']);
    expect(wrapWords('pg_basebackup', 5)).toEqual(['pg_ba', 'sebac', 'kup']);
    expect(wrapWords('', 5)).toEqual(['']);
  });

  it('PgDn goes to the first entry not wholly shown, PgUp back so that no entry is skipped', () => {
    const rows = 10;
    let top = 0;
    const seen = new Set<number>();
    while (true) {
      const { first, end } = helpWindow(items, top, rows);
      for (let index = first; index < end; index++) seen.add(index);
      const next = helpTopAfter('pageHelpDown', top, items, rows);
      if (next === top) break;
      top = next;
    }
    expect(seen.size).toBe(items.length);
    expect(top).toBe(lastHelpTop(items, rows));
    // And back up: every page up ends right above where the last one began.
    while (top > 0) {
      const up = helpTopAfter('pageHelpUp', top, items, rows);
      expect(helpWindow(items, up, rows).end).toBeGreaterThanOrEqual(top);
      top = up;
    }
  });

  it('the keys column is as wide as the longest keys', () => {
    expect(helpKeysWidth()).toBe(Math.max(...KEY_TABLE.map((binding) => binding.keys.join(' ').length)) + 2);
    expect(helpPage(80, 20).rows).toBe(17);
  });
});

/** Every screen the router can be on, and presses of every kind. */
const CONTEXTS: KeyContext[] = [
  { overlay: 'none', focus: 'nodes' },
  { overlay: 'none', focus: 'log' },
  { overlay: 'none', focus: 'nodes', logFullScreen: true },
  { overlay: 'none', focus: 'log', searching: true },
  { overlay: 'help', focus: 'nodes' },
  { overlay: 'detail', focus: 'nodes' },
  { overlay: 'none', focus: 'nodes', tooSmall: true },
  { overlay: 'none', focus: 'log', jobRunning: true },
  { overlay: 'none', focus: 'nodes', jobRunning: true },
  { overlay: 'none', focus: 'log', jobRunning: true, searchShown: true },
  { overlay: 'none', focus: 'log', jobRunning: true, stopPrompt: true },
  { overlay: 'none', focus: 'nodes', operation: 'typing' },
  { overlay: 'none', focus: 'nodes', operation: 'typing', fenceOffer: true },
  { overlay: 'none', focus: 'nodes', operation: 'offer' },
  { overlay: 'none', focus: 'nodes', operation: 'info' },
  { overlay: 'none', focus: 'nodes', operation: 'info', resumeReplayOffer: true },
  { overlay: 'none', focus: 'nodes', operation: 'form' },
  { overlay: 'none', focus: 'nodes', pausedCopy: true, recoveredCopy: true },
  { overlay: 'backups', focus: 'nodes', backups: 'list' },
  { overlay: 'backups', focus: 'nodes', backups: 'filter' },
  { overlay: 'backups', focus: 'nodes', backups: 'delete' },
];
const NAMED: KeyPress[] = [
  { input: '', upArrow: true },
  { input: '', downArrow: true },
  { input: '', leftArrow: true },
  { input: '', rightArrow: true },
  { input: '', pageUp: true },
  { input: '', pageDown: true },
  { input: '', home: true },
  { input: '', end: true },
  { input: '', tab: true },
  { input: '', tab: true, shift: true },
  { input: '\r', return: true },
  { input: '', escape: true, meta: true },
  { input: '', delete: true },
  { input: '', backspace: true },
  { input: 'pasted', paste: true },
];
const PRINTABLE = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index));
const PRESSES: KeyPress[] = [
  ...NAMED,
  ...PRINTABLE.map((input) => ({ input, ...(/[A-Z]/.test(input) ? { shift: true } : {}) })),
  ...'abcdefghijklmnopqrstuvwxyz'.split('').map((input) => ({ input, ctrl: true })),
];

describe('help and router agree', () => {
  it('every binding the router answers any key with, on any screen, is an entry of the help', () => {
    const inHelp = new Set<KeyBinding>(bindingItems(helpItems(76)).map((item) => item.binding));
    const used = new Set<KeyBinding>();
    for (const context of CONTEXTS) {
      for (const press of PRESSES) {
        const binding = bindingFor(press, context);
        if (binding) used.add(binding);
      }
    }
    for (const binding of used) expect(inHelp.has(binding), `${binding.command} (${binding.when}) is not in the help`).toBe(true);
    // And the help lists nothing the router never answers.
    const unused = KEY_TABLE.filter((binding) => !used.has(binding)).map((binding) => `${binding.command} (${binding.when})`);
    expect(unused).toEqual([]);
  });
});

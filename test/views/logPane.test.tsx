import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/state/createCockpitStore.js';
import { LOG_CAPACITY } from '../../src/state/createCockpitStore.js';
import { clockTime } from '../../src/views/clockTime.js';
import { noColorTheme } from '../../src/views/theme.js';
import { LOG_RENDERS_PER_SECOND } from '../../src/views/useThrottledLog.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, TICK_AT } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

// At 120×40 the log shows 24 lines under the grid (the body's 36 rows less its title and the 11 rows the panes
// need: the primary's border, name, address, LSN, two standbys, two archive lines and two slots), 35 full screen
// (40 - 1 - header 2 - footer 1 - title 1).
const SPLIT_ROWS = 24;
const FULL_ROWS = 35;

/** Lines "row 00001" … numbered from `first`, as a job's output. */
function rows(first: number, count: number, stream: LogLine['stream'] = 'stdout', text = (n: number) => `row ${String(n).padStart(5, '0')}`): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({ at: TICK_AT + first + i, text: text(first + i), stream, jobId: 1 }));
}

/** The row numbers the frame shows, top to bottom. */
function shownRows(frame: string): number[] {
  return [...frame.matchAll(/row (\d{5})/g)].map((match) => Number(match[1]));
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** The log's title rule: the line that starts with "── log" or "── LOG". */
function logTitle(frame: string): string {
  return frame.split('\n').find((line) => /^── (log|LOG)/.test(line)) ?? '';
}

function cockpit(options: Parameters<typeof renderCockpit>[0] = {}) {
  const rendered = renderCockpit({ view: clusterView(), ...options });
  const append = (lines: LogLine[]) => rendered.store.getState().appendLogLines(lines);
  const showsRows = (expected: number[]) => waitForFrame(rendered.plainFrame, (f) => shownRows(f).join() === expected.join());
  return { ...rendered, append, showsRows };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('a job streaming 100 000 lines', () => {
  it('never stalls the keys, keeps the buffer bounded and renders the log a few times a second', async () => {
    const { store, stdout, plainFrame, press } = cockpit();
    const batches = 1000;
    const perBatch = 100;
    const gridTopBorder = () => plainFrame().split('\n')[2] ?? '';
    let selectionSeenAt: number | undefined;
    let helpSeenAt: number | undefined;
    const framesBefore = stdout.frames.length;
    const startedAt = Date.now();

    store.getState().appendLogLines([{ at: TICK_AT, text: 'pg_dump --verbose demo on pg1 · local as postgres', stream: 'header', jobId: 1 }]);
    // The job streams on until both presses have shown (at least `batches` batches): a key that waited for the
    // stream to end would never show, and the cap below would end the stream with the presses unseen.
    const streaming = (batch: number) => batch < batches || ((selectionSeenAt === undefined || helpSeenAt === undefined) && batch < batches * 5);
    let batch = 0;
    for (; streaming(batch); batch++) {
      // As the job layer does: one append per chunk of output, the event loop turning in between.
      store.getState().appendLogLines(rows(batch * perBatch + 1, perBatch, batch % 2 ? 'stderr' : 'stdout', (n) => `pg_dump: dumping contents of table "public.t${n}" row ${String(n % 100_000).padStart(5, '0')}`));
      expect(store.getState().log.length).toBeLessThanOrEqual(LOG_CAPACITY);
      if (batch === 100) void press('j');
      if (selectionSeenAt === undefined && /^┌─+┐╔═+╗┌─+┐$/.test(gridTopBorder())) selectionSeenAt = batch;
      if (batch === 500) void press('?');
      if (helpSeenAt === undefined && plainFrame().includes('Esc or ? closes')) helpSeenAt = batch;
      await tick();
    }
    const elapsedMs = Date.now() - startedAt;
    const frames = stdout.frames.length - framesBefore;
    const lastRow = batch * perBatch;

    // Both key presses showed on screen while the job was still streaming.
    expect(selectionSeenAt).toBeGreaterThanOrEqual(100);
    expect(helpSeenAt).toBeGreaterThanOrEqual(500);
    expect(store.getState()).toMatchObject({ selectedNode: 1, overlay: 'help', logAppended: lastRow + 1 });
    expect(store.getState().log).toHaveLength(LOG_CAPACITY);
    // A thousand appends, yet the screen was drawn only a few times a second (plus once per key).
    expect(frames).toBeLessThanOrEqual(Math.ceil((elapsedMs / 1000) * LOG_RENDERS_PER_SECOND) + 6);

    await press(KEY.escape);
    const frame = await waitForFrame(plainFrame, (f) => f.includes(`public.t${lastRow}`));
    expect(logTitle(frame)).toContain(`${LOG_CAPACITY} lines`);
  });

  it('an unbatched writer (one append per line) cannot flood the renders either', async () => {
    const { store, stdout, plainFrame } = cockpit();
    await waitForFrame(plainFrame, (f) => f.includes('nothing logged yet'));
    const framesBefore = stdout.frames.length;
    const startedAt = Date.now();
    for (let n = 1; n <= 3000; n++) {
      store.getState().appendLog(`row ${String(n).padStart(5, '0')}`);
      await turn();
    }
    const elapsedMs = Date.now() - startedAt;
    expect(stdout.frames.length - framesBefore).toBeLessThanOrEqual(Math.ceil((elapsedMs / 1000) * LOG_RENDERS_PER_SECOND) + 2);
    // The last lines always show: the throttle draws the final change when it is due.
    const frame = await waitForFrame(plainFrame, (f) => shownRows(f).at(-1) === 3000);
    expect(shownRows(frame)).toEqual(range(3000 - SPLIT_ROWS + 1, 3000));
  });
});

describe('log lines', () => {
  const header: LogLine = { at: TICK_AT, text: 'pg_basebackup pg3 from pg1 · ssh admin@db3:22 as postgres', stream: 'header', jobId: 7 };
  const stdout: LogLine = { at: TICK_AT + 1000, text: 'waiting for checkpoint', stream: 'stdout', jobId: 7 };
  const stderr: LogLine = { at: TICK_AT + 2000, text: 'pg_basebackup: error: could not connect', stream: 'stderr', jobId: 7 };
  const result: LogLine = { at: TICK_AT + 3000, text: 'pg_basebackup failed (exit code 1) after 2 s', stream: 'info', jobId: 7 };

  it('puts each job under its bold inverse header, with HH:MM:SS and ! on stderr, not by colour alone', async () => {
    const { append, lastFrame, plainFrame } = cockpit({ theme: noColorTheme });
    append([header, stdout, stderr, result]);
    const frame = await waitForFrame(plainFrame, (f) => f.includes(result.text));
    expect(frame).toContain(` ${clockTime(header.at)}    ${header.text} `);
    expect(frame).toContain(` ${clockTime(stdout.at)}   ${stdout.text}`);
    expect(frame).toContain(` ${clockTime(stderr.at)} ! ${stderr.text}`);
    expect(frame).toContain(` ${clockTime(result.at)}   ${result.text}`);
    expect(clockTime(stdout.at)).toMatch(/^\d\d:\d\d:\d\d$/);
    const raw = lastFrame() ?? '';
    expect(raw).toMatch(new RegExp(`\\x1b\\[(1|7)m(\\x1b\\[(1|7)m)? ${escapeRegExp(header.text)} `));
    expect(raw).not.toMatch(new RegExp(`\\x1b\\[7m[^\\n]*${escapeRegExp(stdout.text)}`));
  });

  it('shows the time in a muted gutter and stderr in the critical colour when there is colour', async () => {
    const { append, lastFrame } = cockpit();
    append([stdout, stderr]);
    const raw = await waitForFrame(lastFrame, (f) => f.includes(stderr.text));
    expect(raw).toContain(`\x1b[90m${clockTime(stderr.at)}`);
    expect(raw).toMatch(/\x1b\[31m(\x1b\[1m)?!/);
  });

  it('never lets an escape code through to the terminal', async () => {
    const { append, lastFrame, plainFrame } = cockpit({ theme: noColorTheme });
    append([
      { at: TICK_AT, text: 'plain \x1b[31mred\x1b[0m text', stream: 'stdout' },
      { at: TICK_AT, text: '\x1b]0;window title\x07after the title \x1b[2J\x1b[Hcleared?', stream: 'stderr' },
      { at: TICK_AT, text: 'progress 10%\rprogress 100%\tdone \x1b', stream: 'stdout' },
    ]);
    const raw = await waitForFrame(lastFrame, (f) => f.includes('done'));
    expect(raw).not.toContain('\x1b[31m');
    expect(raw).not.toContain('\x1b]');
    expect(raw).not.toContain('\x1b[2J');
    expect(raw).not.toContain('\x07');
    expect(raw).not.toContain('\r');
    expect(plainFrame()).toContain('plain red text');
    expect(plainFrame()).toContain('! after the title cleared?');
    expect(plainFrame()).toContain('progress 10%progress 100%  done');
  });
});

describe('scrolling the log (focused with Tab)', () => {
  it('PgUp/PgDn move a page, new lines do not move a scrolled view, g/G go to top and bottom', async () => {
    const P = SPLIT_ROWS;
    const { store, press, append, plainFrame, showsRows } = cockpit();
    append(rows(1, 100));
    await press(KEY.tab);
    await showsRows(range(101 - P, 100));
    expect(logTitle(plainFrame())).not.toContain('new line');

    await press(KEY.pageUp);
    let frame = await showsRows(range(101 - 2 * P, 100 - P));
    expect(logTitle(frame)).toContain(`↓ ${P} new lines, G to follow`);

    append(rows(101, 5));
    frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes(`↓ ${P + 5} new lines, G to follow`));
    expect(shownRows(frame)).toEqual(range(101 - 2 * P, 100 - P));

    await press(KEY.pageDown);
    frame = await showsRows(range(101 - P, 100));
    expect(logTitle(frame)).toContain('↓ 5 new lines');
    await press(KEY.pageDown); // reaches the tail: follows again
    frame = await showsRows(range(106 - P, 105));
    expect(logTitle(frame)).not.toContain('new line');
    expect(store.getState().logViewEnd).toBeNull();

    await press('g');
    frame = await showsRows(range(1, P));
    expect(logTitle(frame)).toContain(`↓ ${105 - P} new lines, G to follow`);
    await press(KEY.pageUp); // already at the top
    await showsRows(range(1, P));
    await press('G');
    await showsRows(range(106 - P, 105));
    append(rows(106, 2));
    await showsRows(range(108 - P, 107));

    await press(KEY.home);
    await showsRows(range(1, P));
    await press(KEY.end);
    await showsRows(range(108 - P, 107));
  });

  it('keeps a scrolled view on its lines while the ring buffer drops old ones', async () => {
    const P = SPLIT_ROWS;
    const { store, press, append, plainFrame, showsRows } = cockpit();
    append(rows(1, LOG_CAPACITY));
    await press(KEY.tab, KEY.pageUp, KEY.pageUp);
    await showsRows(range(LOG_CAPACITY - 3 * P + 1, LOG_CAPACITY - 2 * P));

    append(rows(LOG_CAPACITY + 1, 500)); // rows 1–500 fall off the front
    expect(store.getState().log[0]?.text).toBe('row 00501');
    const frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes(`↓ ${500 + 2 * P} new lines`));
    expect(shownRows(frame)).toEqual(range(LOG_CAPACITY - 3 * P + 1, LOG_CAPACITY - 2 * P));

    await press('g');
    await showsRows(range(501, 500 + P));
    // The lines on screen themselves fall off: the view stays on the oldest kept.
    append(rows(LOG_CAPACITY + 501, 3));
    await showsRows(range(504, 503 + P));
    await press(KEY.pageDown);
    await showsRows(range(504 + P, 503 + 2 * P));
  });

  it('does nothing to the log while the node grid has the focus', async () => {
    const { store, press, append, showsRows } = cockpit();
    append(rows(1, 50));
    await showsRows(range(51 - SPLIT_ROWS, 50));
    await press(KEY.pageUp, 'g', '/');
    expect(store.getState()).toMatchObject({ logViewEnd: null, logSearchDraft: null });
  });
});

describe('searching the log', () => {
  /** 200 rows; rows 20, 120 and 180 say "quota exceeded". */
  function quotaLog() {
    return rows(1, 200, 'stdout', (n) => `row ${String(n).padStart(5, '0')}${[20, 120, 180].includes(n) ? ': disk quota exceeded' : ''}`);
  }

  it('/ opens an input that takes every key (q is a letter), Enter jumps to the newest match and highlights it, n/N step, Esc clears', async () => {
    const { store, press, append, lastFrame, plainFrame, exited } = cockpit({ theme: noColorTheme });
    append(quotaLog());
    await press(KEY.tab, '/');
    await waitForFrame(plainFrame, (f) => f.includes('Enter: newest match'));
    await press('q', 'u', 'x', KEY.backspace, 'o', 't', 'a', 'R', KEY.backspace, '?', KEY.backspace, ' ', 'L', KEY.backspace, KEY.backspace);
    expect(exited()).toBe(false);
    expect(store.getState()).toMatchObject({ logSearchDraft: 'quota', overlay: 'none', refreshRequests: 0, paused: false, logFullScreen: false });
    let frame = await waitForFrame(plainFrame, (f) => f.includes(' /quota '));
    // The input takes the last row: one log line fewer above it.
    expect(shownRows(frame)).toEqual(range(200 - SPLIT_ROWS + 2, 200));

    await press(KEY.enter);
    frame = await waitForFrame(plainFrame, (f) => f.includes('»'));
    expect(store.getState()).toMatchObject({ logSearchDraft: null, logSearchQuery: 'quota', logSearchMatch: 179 });
    expect(frame).toMatch(/»\d\d:\d\d:\d\d {3}row 00180: disk quota exceeded/);
    expect(shownRows(frame)).toContain(180);
    expect(logTitle(frame)).toContain('/quota 3 of 3');
    expect(logTitle(frame)).toContain('G to follow'); // the view stays on the match while lines stream in
    expect(lastFrame()).toContain('disk \x1b[7mquota\x1b[27m exceeded');

    await press('n');
    frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 2 of 3'));
    expect(frame).toMatch(/»\S+ {3}row 00120: disk quota/);
    expect(frame).not.toContain('row 00180');
    await press('n');
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 1 of 3') && /»\S+ {3}row 00020/.test(f));
    await press('n'); // wraps to the newest
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 3 of 3') && /»\S+ {3}row 00180/.test(f));
    await press('N'); // wraps to the oldest
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 1 of 3') && /»\S+ {3}row 00020/.test(f));
    await press('N');
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 2 of 3'));

    // Esc in the input cancels what was typed; the confirmed search stays.
    await press('/', 'z', 'z');
    await waitForFrame(plainFrame, (f) => f.includes(' /zz'));
    await press(KEY.escape);
    await waitForFrame(() => String(store.getState().logSearchDraft), (d) => d === 'null');
    expect(store.getState().logSearchQuery).toBe('quota');
    // Esc in the log clears the search and its highlights.
    await press(KEY.escape);
    frame = await waitForFrame(plainFrame, (f) => !f.includes('»') && !logTitle(f).includes('/quota'));
    expect(lastFrame()).not.toContain('\x1b[7mquota');
    expect(store.getState()).toMatchObject({ logSearchQuery: '', logSearchMatch: null });
  });

  it('says when nothing matches, and matches capitals exactly (smart case)', async () => {
    const { press, append, plainFrame } = cockpit();
    append(quotaLog());
    await press(KEY.tab, '/', 'Q', 'u', 'o', 't', 'a', KEY.enter);
    let frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes('/Quota no match'));
    expect(frame).not.toContain('»');
    await press('/', 'q', 'U', 'O', 'T', 'A', KEY.enter);
    frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes('/qUOTA no match'));
    await press('/', 'Q', 'U', 'O', 'T', 'A', KEY.enter);
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('/QUOTA no match'));
    await press('/', 'q', 'u', 'o', 't', 'a', KEY.enter);
    frame = await waitForFrame(plainFrame, (f) => logTitle(f).includes('/quota 3 of 3'));
    expect(frame).toMatch(/»\S+ {3}row 00180: disk quota exceeded/);
    // Enter on an empty input only closes it.
    await press('/', KEY.enter);
    await waitForFrame(plainFrame, (f) => !f.includes('Enter: newest match'));
    expect(logTitle(plainFrame())).toContain('/quota 3 of 3');
  });

  it('the footer shows only the input keys while typing', async () => {
    const { press, plainFrame } = cockpit();
    await press(KEY.tab);
    const footer = () => plainFrame().split('\n').at(-1) ?? '';
    await waitForFrame(footer, (f) => /PgUp\s+older/.test(f) && /\/\s+search/.test(f));
    await press('/');
    const typing = await waitForFrame(footer, (f) => /Enter\s+find/.test(f));
    expect(typing).toMatch(/Esc\s+cancel/);
    expect(typing).not.toMatch(/q\s+quit/);
    await press(KEY.ctrlC); // closes the search, does not quit
    await waitForFrame(footer, (f) => /q\s+quit/.test(f));
  });
});

describe('full-screen log', () => {
  it('L gives the log the whole body, its keys work without Tab, L gives the grid back', async () => {
    const { store, press, append, plainFrame, showsRows } = cockpit();
    append(rows(1, 100));
    await showsRows(range(101 - SPLIT_ROWS, 100));
    await press('L');
    let frame = await showsRows(range(100 - FULL_ROWS + 1, 100));
    expect(logTitle(frame)).toContain('LOG · full screen');
    expect(frame).not.toContain('1 pg1');
    const lines = frame.split('\n');
    expect(lines).toHaveLength(39);
    expect(lines[2]).toMatch(/^── LOG · full screen/);
    expect(lines.at(-1)).toMatch(/L\s+full log/);

    await press(KEY.pageUp);
    frame = await showsRows(range(100 - 2 * FULL_ROWS + 1, 100 - FULL_ROWS));
    // Tab does nothing here (the grid is hidden), nor do the node keys.
    await press(KEY.tab, 'j');
    expect(store.getState()).toMatchObject({ focus: 'nodes', selectedNode: 0 });
    // Help opens over it and closes back to it.
    await press('?');
    await waitForFrame(plainFrame, (f) => f.includes('Esc or ? closes'));
    await press('?');
    await waitForFrame(plainFrame, (f) => logTitle(f).includes('full screen'));

    await press('L');
    frame = await waitForFrame(plainFrame, (f) => f.includes('1 pg1'));
    // Back under the grid, the view is still where it was scrolled to: its last lines, as many as fit.
    expect(shownRows(frame)).toEqual(range(100 - FULL_ROWS - SPLIT_ROWS + 1, 100 - FULL_ROWS));
    expect(logTitle(frame)).toContain('G to follow');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

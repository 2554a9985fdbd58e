import { afterEach, describe, expect, it } from 'vitest';
import type { CockpitStore } from '../../src/state/createCockpitStore.js';
import { KEY_TABLE } from '../../src/state/keyTable.js';
import { progressBarText } from '../../src/views/progressBarText.js';
import { JOB_RUNNING_NOTICE } from '../../src/views/runCommand.js';
import { stopJobQuestion } from '../../src/views/stopJobQuestion.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const JOB_ID = 7;
const QUESTION = 'Stop "pg_basebackup" on pg2 (local as postgres)? y stops it, n or Esc keeps it running';

/** The cockpit with a pg_basebackup running for pg2, as runJob records one. */
function cockpitWithJob(options: Parameters<typeof renderCockpit>[0] = {}) {
  const rendered = renderCockpit({ view: clusterView(), ...options });
  rendered.store.getState().startJob({ id: JOB_ID, title: 'pg_basebackup', node: 'pg2', where: 'local as postgres', startedAt: Date.now() });
  const footer = () => rendered.plainFrame().split('\n').at(-1) ?? '';
  const asks = () => waitForFrame(rendered.plainFrame, (frame) => frame.includes(QUESTION));
  const asksNot = () => waitForFrame(rendered.plainFrame, (frame) => !frame.includes(QUESTION) && frame.includes('▶ JOB'));
  return { ...rendered, footer, asks, asksNot };
}

function finish(store: CockpitStore) {
  store.getState().finishJob(JOB_ID, { status: 'succeeded', endedAt: Date.now(), exitCode: 0, signal: null });
}

const read = (value: () => unknown) => () => String(value());

describe('stopping a running job', () => {
  it('Esc in the focused log asks; n keeps it running; Esc keeps it too; y asks job control to stop it', async () => {
    const { store, press, plainFrame, asks, asksNot } = cockpitWithJob();
    await press(KEY.tab);
    expect(store.getState().focus).toBe('log');

    await press(KEY.escape);
    await asks();
    expect(store.getState().stopJobPrompt).toBe(JOB_ID);
    await press('n');
    await asksNot();
    expect(store.getState()).toMatchObject({ stopJobPrompt: null, cancelRequested: [] });
    expect(store.getState().jobs[0]!.status).toBe('running');

    await press(KEY.escape);
    await asks();
    await press(KEY.escape);
    await asksNot();
    expect(store.getState().cancelRequested).toEqual([]);

    await press(KEY.escape);
    await asks();
    await press('y');
    await waitForFrame(plainFrame, (frame) => frame.includes('■ stopping…'));
    expect(store.getState()).toMatchObject({ stopJobPrompt: null, cancelRequested: [JOB_ID] });
  });

  it('the question claims every key while it is open: nothing happens behind it', async () => {
    const { store, press, asks, exited } = cockpitWithJob();
    await press(KEY.tab, KEY.escape);
    await asks();
    await press('q', 'G', KEY.space, '?', KEY.tab, 'Y');
    expect(store.getState()).toMatchObject({ stopJobPrompt: JOB_ID, paused: false, overlay: 'none', focus: 'log', cancelRequested: [] });
    expect(exited()).toBe(false);
  });

  it('in the full-screen log too', async () => {
    const { store, press, asks } = cockpitWithJob();
    await press('L', KEY.escape);
    await asks();
    await press('y');
    expect(store.getState().cancelRequested).toEqual([JOB_ID]);
  });

  it('with the node grid focused Esc does nothing to the job; Ctrl-C asks there, and a second Ctrl-C keeps the job', async () => {
    const { store, press, asks, asksNot, exited } = cockpitWithJob();
    await press(KEY.escape);
    expect(store.getState().stopJobPrompt).toBeNull();
    await press(KEY.ctrlC);
    await asks();
    expect(exited()).toBe(false);
    await press(KEY.ctrlC);
    await asksNot();
    expect(exited()).toBe(false);
    expect(store.getState().cancelRequested).toEqual([]);
  });

  it('Ctrl-C asks over the help overlay too, and the question shows there', async () => {
    const { store, press, asks, exited } = cockpitWithJob();
    await press('?');
    await waitForFrame(read(() => store.getState().overlay), (overlay) => overlay === 'help');
    await press(KEY.ctrlC);
    await asks();
    expect(exited()).toBe(false);
  });

  it('a question about a job that ends meanwhile goes away', async () => {
    const { store, press, plainFrame, asks } = cockpitWithJob();
    await press(KEY.ctrlC);
    await asks();
    finish(store);
    await waitForFrame(plainFrame, (frame) => !frame.includes('Stop "pg_basebackup"') && !frame.includes('▶ JOB'));
    expect(store.getState().stopJobPrompt).toBeNull();
  });

  it('Esc with a search highlighted clears the search first, then asks', async () => {
    const { store, press, asks } = cockpitWithJob();
    store.getState().appendLog('pg_basebackup: checkpoint completed');
    await press(KEY.tab, '/', 'c', 'h', 'e', 'c', 'k', KEY.enter);
    await waitForFrame(read(() => store.getState().logSearchQuery), (query) => query === 'check');
    await press(KEY.escape);
    await waitForFrame(read(() => store.getState().logSearchQuery), (query) => query === '');
    expect(store.getState().stopJobPrompt).toBeNull();
    await press(KEY.escape);
    await asks();
  });
});

describe('quitting while a job runs', () => {
  it('q does not quit: it says to stop the job first, until the next key; once the job is done q quits', async () => {
    const { store, press, plainFrame, exited } = cockpitWithJob();
    await press('q');
    await waitForFrame(plainFrame, (frame) => frame.includes(`⚠ ${JOB_RUNNING_NOTICE}`));
    expect(exited()).toBe(false);
    await press('j');
    await waitForFrame(plainFrame, (frame) => !frame.includes(JOB_RUNNING_NOTICE) && frame.includes('▶ JOB'));
    expect(store.getState().selectedNode).toBe(1);
    finish(store);
    await press('q');
    await waitForFrame(read(exited), (value) => value === 'true');
  });

  it('Ctrl-C does not quit either: it asks to stop the job', async () => {
    const { press, asks, exited } = cockpitWithJob();
    await press(KEY.ctrlC);
    await asks();
    expect(exited()).toBe(false);
  });

  it('below the minimum size q does not quit, and the question shows there too', async () => {
    const { press, plainFrame, exited } = cockpitWithJob({ columns: 70, rows: 20 });
    await waitForFrame(plainFrame, (frame) => frame.includes('terminal too small') && frame.includes('▶ JOB'));
    expect(plainFrame()).not.toContain('press q to quit');
    await press('q');
    await waitForFrame(plainFrame, (frame) => frame.includes('a job is running: stop it first'));
    expect(exited()).toBe(false);
    await press(KEY.ctrlC);
    await waitForFrame(plainFrame, (frame) => frame.includes('Stop "pg_basebackup"'));
    await press('n');
    await waitForFrame(plainFrame, (frame) => !frame.includes('Stop "pg_basebackup"') && frame.includes('▶ JOB'));
    expect(exited()).toBe(false);
  });

  it('the footer says how to stop the job and offers no quit', async () => {
    const { press, footer } = cockpitWithJob();
    await waitForFrame(footer, (f) => /Ctrl-C\s+stop job/.test(f));
    expect(footer()).not.toMatch(/q\s+quit/);
    await press(KEY.tab);
    await waitForFrame(footer, (f) => /Esc\s+stop job/.test(f));
    await press(KEY.escape);
    await waitForFrame(footer, (f) => /y\s+stop it/.test(f) && /n\s+keep it/.test(f));
  });
});

describe('the job bar', () => {
  it('shows what runs where, with a text progress bar for a job with progress 0.58 (no colour needed)', async () => {
    const { store, plainFrame, lastFrame } = cockpitWithJob({ theme: noColorTheme });
    store.getState().setJobProgress(JOB_ID, 0.58);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('58%'));
    const bar = frame.split('\n').find((line) => line.includes('▶ JOB'))!;
    expect(bar).toContain('▶ JOB  pg_basebackup on pg2 (local as postgres) [############........] 58%');
    // Right above the log's title.
    const lines = frame.split('\n');
    expect(lines[lines.indexOf(bar) + 1]).toMatch(/^── log /);
    expect(lastFrame()).not.toMatch(/\x1b\[3\dm/);
  });

  it("shows the rate and the time left when the tool prints its amounts (pg_basebackup's kB)", async () => {
    const { store, plainFrame } = cockpitWithJob({ theme: noColorTheme });
    const MB = 1024 * 1024;
    store.getState().setJobProgress(JOB_ID, 0.25, { done: 25 * MB, total: 100 * MB, unit: 'bytes' });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('25%') && f.includes('MB/s'));
    // The bar's line may be cut at the terminal's width after "about ...".
    expect(frame).toMatch(/25% \(25 MB of 100 MB, [\d.]+ [KMG]?B\/s, about /);
  });

  it('has no progress bar while the output has said nothing about progress, and goes with the job', async () => {
    const { store, plainFrame } = cockpitWithJob();
    const frame = await waitForFrame(plainFrame, (f) => f.includes('▶ JOB'));
    expect(frame).not.toMatch(/\[[#.]+\]/);
    finish(store);
    await waitForFrame(plainFrame, (f) => !f.includes('▶ JOB'));
  });

  it('keeps the screen its size: the grid gives up the row', async () => {
    const { plainFrame } = cockpitWithJob({ rows: 24, columns: 80 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('▶ JOB'));
    expect(frame.split('\n')).toHaveLength(23);
    expect(frame.split('\n').at(-1)).toMatch(/stop job/);
  });
});

describe('progressBarText', () => {
  it.each([
    [0, '[....................] 0%'],
    [0.58, '[############........] 58%'],
    [0.999, '[###################.] 99%'],
    [1, '[####################] 100%'],
    [-1, '[....................] 0%'],
    [Number.NaN, '[....................] 0%'],
  ])('%s → %s', (fraction, text) => {
    expect(progressBarText(fraction)).toBe(text);
  });

  it('takes a width', () => {
    expect(progressBarText(0.58, 12)).toBe('[#######.....] 58%');
  });
});

describe('the question', () => {
  it('names the keys the key table gives it', () => {
    expect(stopJobQuestion({ title: 'pg_basebackup', node: 'pg2', where: 'local as postgres' })).toBe(QUESTION);
    expect(stopJobQuestion({ title: 'promote', where: 'ssh admin@db2:22' })).toBe('Stop "promote" on ssh admin@db2:22? y stops it, n or Esc keeps it running');
    const keysOf = (command: string) => KEY_TABLE.filter((binding) => binding.command === command).flatMap((binding) => binding.keys);
    expect(keysOf('confirmStopJob')).toEqual(['y']);
    expect(keysOf('keepJob')).toEqual(expect.arrayContaining(['n', 'Esc']));
  });
});

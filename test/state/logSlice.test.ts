import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/services/runner/logLine.js';
import { initialLogState, linesAppended, LOG_CAPACITY } from '../../src/state/slices/log.js';
import { freshStore } from './storeOnTest.js';

const lines = (from: number, count: number): LogLine[] =>
  Array.from({ length: count }, (_, index) => ({ at: 0, text: `line ${from + index}`, stream: 'stdout' as const }));

describe('log slice', () => {
  it('starts empty, following the tail, with no search', () => {
    const { state } = freshStore();
    expect(state()).toMatchObject(initialLogState());
    expect(initialLogState()).toEqual({ log: [], logAppended: 0, logViewEnd: null, logSearchDraft: null, logSearchQuery: '', logSearchMatch: null, logFullScreen: false });
  });

  it('a batch of lines is one update; the ring buffer keeps the last LOG_CAPACITY and counts every line', () => {
    const { state, updates } = freshStore();
    state().appendLogLines(lines(0, LOG_CAPACITY + 5));
    expect(updates()).toBe(1);
    state().appendLog('cockpit says hello');
    expect(state().logAppended).toBe(LOG_CAPACITY + 6);
    expect(state().log).toHaveLength(LOG_CAPACITY);
    expect(state().log[0]!.text).toBe('line 6');
    expect(state().log.at(-1)).toMatchObject({ text: 'cockpit says hello', stream: 'info' });
    // What another slice's action returns to add lines in its own set().
    expect(linesAppended({ log: [], logAppended: 7 }, lines(0, 2))).toEqual({ log: lines(0, 2), logAppended: 9 });
  });

  it('a scrolled view keeps its line numbers as lines stream in, and follows again at the tail', () => {
    const { state } = freshStore();
    state().appendLogLines(lines(0, 100));
    state().scrollLog(-30, 10);
    expect(state().logViewEnd).toBe(70);
    state().appendLogLines(lines(100, 50));
    expect(state().logViewEnd).toBe(70);
    state().scrollLogToTop(10);
    expect(state().logViewEnd).toBe(10);
    state().scrollLog(1000, 10);
    expect(state().logViewEnd).toBeNull();
  });

  it('search: typed, confirmed with its match, cancelled input keeps the confirmed one, cleared', () => {
    const { state } = freshStore();
    state().startLogSearch();
    state().editLogSearch('FATAL');
    state().confirmLogSearch('FATAL', 4);
    expect(state()).toMatchObject({ logSearchDraft: null, logSearchQuery: 'FATAL', logSearchMatch: 4 });
    state().startLogSearch();
    state().cancelLogSearch();
    expect(state()).toMatchObject({ logSearchDraft: null, logSearchQuery: 'FATAL' });
    state().clearLogSearch();
    state().toggleLogFullScreen();
    expect(state()).toMatchObject({ logSearchQuery: '', logSearchMatch: null, logFullScreen: true });
  });
});

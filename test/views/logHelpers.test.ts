import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/state/createCockpitStore.js';
import { countLogMatches, findLogMatch, matchRanges } from '../../src/views/logSearch.js';
import { cleanLogText } from '../../src/views/logText.js';
import { logWindow } from '../../src/views/logWindow.js';
import { editedSearchDraft } from '../../src/views/searchDraft.js';

const line = (text: string): LogLine => ({ at: 0, text, stream: 'stdout' });

describe('logWindow', () => {
  it('shows the tail when following, and a scrolled end kept inside the buffer', () => {
    // 10 lines kept of 50 appended: lines 40–49.
    expect(logWindow(10, 50, null, 4)).toEqual({ first: 6, end: 10, newBelow: 0, following: true });
    expect(logWindow(10, 50, 45, 4)).toEqual({ first: 1, end: 5, newBelow: 5, following: false });
    // The ring buffer dropped the lines the view was on: the oldest page kept.
    expect(logWindow(10, 50, 12, 4)).toEqual({ first: 0, end: 4, newBelow: 6, following: false });
    // Fewer lines than rows.
    expect(logWindow(2, 2, null, 4)).toEqual({ first: 0, end: 2, newBelow: 0, following: true });
  });
});

describe('log search', () => {
  // Absolute lines 100–104 (5 kept of 105).
  const log = ['a ERROR', 'b', 'c error', 'd', 'e Error'].map(line);

  it('finds the newest match first, then steps older or newer, wrapping', () => {
    expect(findLogMatch(log, 105, 'error', 105, -1)).toBe(104);
    expect(findLogMatch(log, 105, 'error', 104, -1)).toBe(102);
    expect(findLogMatch(log, 105, 'error', 100, -1)).toBe(104);
    expect(findLogMatch(log, 105, 'error', 104, 1)).toBe(100);
    // From a line the buffer dropped: older wraps to the newest, newer starts at the oldest.
    expect(findLogMatch(log, 105, 'error', 50, -1)).toBe(104);
    expect(findLogMatch(log, 105, 'error', 50, 1)).toBe(100);
    expect(findLogMatch(log, 105, 'nothing', 105, -1)).toBeNull();
  });

  it('matches any case unless the query has a capital (smart case)', () => {
    expect(findLogMatch(log, 105, 'ERROR', 105, -1)).toBe(100);
    expect(findLogMatch(log, 105, 'ERROR', 100, -1)).toBe(100); // the only match
    expect(countLogMatches(log, 105, 'error', 102)).toEqual({ total: 3, ordinal: 2 });
    expect(countLogMatches(log, 105, 'error', 3)).toEqual({ total: 3, ordinal: 0 });
    expect(matchRanges('Error, then error', 'error')).toEqual([
      [0, 5],
      [12, 17],
    ]);
    expect(matchRanges('Error, then error', 'Error')).toEqual([[0, 5]]);
  });
});

describe('cleanLogText', () => {
  it('removes escape sequences and control characters, tabs become spaces', () => {
    expect(cleanLogText('\x1b[1;31mFATAL\x1b[0m: x')).toBe('FATAL: x');
    expect(cleanLogText('\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\ ok')).toBe('link ok');
    expect(cleanLogText('a\tb\rc\x00\x7f\x9b')).toBe('a  bc');
    expect(cleanLogText('lone \x1b')).toBe('lone ');
  });
});

describe('editedSearchDraft', () => {
  it('adds typed text (q too), deletes with Backspace or Delete, ignores other keys', () => {
    expect(editedSearchDraft('quo', { input: 'q' })).toBe('quoq');
    expect(editedSearchDraft('', { input: 'pasted text' })).toBe('pasted text');
    expect(editedSearchDraft('quo', { input: '', backspace: true })).toBe('qu');
    expect(editedSearchDraft('a→', { input: '', delete: true })).toBe('a');
    expect(editedSearchDraft('', { input: '', backspace: true })).toBe('');
    expect(editedSearchDraft('x', { input: '', upArrow: true })).toBeUndefined();
    expect(editedSearchDraft('x', { input: 'u', ctrl: true })).toBeUndefined();
    expect(editedSearchDraft('x', { input: '\t', tab: true })).toBeUndefined();
  });
});

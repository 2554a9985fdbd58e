import type { StateCreator } from 'zustand/vanilla';
import type { LogLine } from '../../services/runner/logLine.js';
import { clamp } from '../clamp.js';
import type { CockpitState } from '../createCockpitStore.js';

/** The log keeps this many lines; older ones fall off the front. */
export const LOG_CAPACITY = 10_000;

/**
 * The log (a ring buffer of the last LOG_CAPACITY lines) and the DBA's place
 * in it. Positions are absolute line numbers: line i of `log` is number
 * logAppended - log.length + i, so they stay valid as old lines fall off.
 */
export interface LogState {
  log: LogLine[];
  /** Lines ever appended (the ring buffer keeps the last LOG_CAPACITY). */
  logAppended: number;
  /** Just past the bottom line shown; null: follow the tail (the newest lines show). */
  logViewEnd: number | null;
  /** The search being typed; null when the search input is closed. */
  logSearchDraft: string | null;
  /** The confirmed search ('' for none): its matches are highlighted, n/N step through them. */
  logSearchQuery: string;
  /** The line of the active match, if any. */
  logSearchMatch: number | null;
  /** The log takes the whole screen between header and footer. */
  logFullScreen: boolean;
}

export interface LogActions {
  appendLog(text: string, stream?: LogLine['stream']): void;
  /** Many lines in one set(): the job layer coalesces output so a flood renders a few times a second. */
  appendLogLines(lines: readonly LogLine[]): void;
  /** Moves the view `delta` lines (negative: older), keeping `page` lines in view; reaching the tail follows it again. */
  scrollLog(delta: number, page: number): void;
  /** The oldest `page` lines kept. */
  scrollLogToTop(page: number): void;
  /** Back to the tail: new lines show as they come. */
  followLog(): void;
  /** Brings line `line` into a view of `page` lines (centred when it was out of view) and stops following. */
  showLogLine(line: number, page: number): void;
  startLogSearch(): void;
  editLogSearch(draft: string): void;
  /** Closes the search input; a search confirmed earlier stays. */
  cancelLogSearch(): void;
  /** Closes the input and makes `query` the search, with `match` (found by the caller) active. */
  confirmLogSearch(query: string, match: number | null): void;
  setLogSearchMatch(match: number | null): void;
  /** No search: no highlights, n/N do nothing. */
  clearLogSearch(): void;
  toggleLogFullScreen(): void;
}

export type LogSlice = LogState & LogActions;

export function initialLogState(): LogState {
  return { log: [], logAppended: 0, logViewEnd: null, logSearchDraft: null, logSearchQuery: '', logSearchMatch: null, logFullScreen: false };
}

export const createLogSlice: StateCreator<CockpitState, [], [], LogSlice> = (set) => ({
  ...initialLogState(),
  appendLog: (text, stream = 'info') => set((state) => linesAppended(state, [{ at: Date.now(), text, stream }])),
  appendLogLines: (lines) => set((state) => linesAppended(state, lines)),
  // From where the view is drawn: an end the ring buffer has overtaken shows the oldest page kept.
  scrollLog: (delta, page) =>
    set((state) => ({ logViewEnd: followAtTail(state, keptViewEnd(state, keptViewEnd(state, state.logViewEnd ?? state.logAppended, page) + delta, page)) })),
  scrollLogToTop: (page) => set((state) => ({ logViewEnd: followAtTail(state, keptViewEnd(state, 0, page)) })),
  followLog: () => set({ logViewEnd: null }),
  // Stays put even at the tail: the match must not scroll away while lines stream in.
  showLogLine: (line, page) =>
    set((state) => {
      const end = keptViewEnd(state, state.logViewEnd ?? state.logAppended, page);
      const inView = line >= end - page && line < end;
      return { logViewEnd: keptViewEnd(state, inView ? end : line + Math.ceil(page / 2), page) };
    }),
  startLogSearch: () => set({ logSearchDraft: '' }),
  editLogSearch: (draft) => set({ logSearchDraft: draft }),
  cancelLogSearch: () => set({ logSearchDraft: null }),
  confirmLogSearch: (query, match) => set({ logSearchDraft: null, logSearchQuery: query, logSearchMatch: match }),
  setLogSearchMatch: (match) => set({ logSearchMatch: match }),
  clearLogSearch: () => set({ logSearchDraft: null, logSearchQuery: '', logSearchMatch: null }),
  toggleLogFullScreen: () => set((state) => ({ logFullScreen: !state.logFullScreen })),
});

/**
 * The log fields once `lines` are added, for an action of any slice to
 * return with its own changes: one set(), one render (a step's start is
 * its counter and its announcement together).
 */
export function linesAppended(state: Pick<LogState, 'log' | 'logAppended'>, lines: readonly LogLine[]): Pick<LogState, 'log' | 'logAppended'> {
  return { log: appendBounded(state.log, lines), logAppended: state.logAppended + lines.length };
}

/** The log with `lines` added, keeping only the last LOG_CAPACITY lines. */
function appendBounded(log: readonly LogLine[], lines: readonly LogLine[]): LogLine[] {
  const keep = Math.max(0, LOG_CAPACITY - lines.length);
  const kept = log.length > keep ? log.slice(log.length - keep) : log.slice();
  for (const line of lines.length > LOG_CAPACITY ? lines.slice(lines.length - LOG_CAPACITY) : lines) kept.push(line);
  return kept;
}

/** A view end kept inside the buffer, with a full page above it when the log has that many lines. */
function keptViewEnd(state: Pick<LogState, 'log' | 'logAppended'>, end: number, page: number): number {
  const oldest = state.logAppended - state.log.length;
  return clamp(end, Math.min(oldest + Math.max(1, page), state.logAppended), state.logAppended);
}

/** A view scrolled down to the tail follows it again. */
function followAtTail(state: Pick<LogState, 'logAppended'>, end: number): number | null {
  return end >= state.logAppended ? null : end;
}

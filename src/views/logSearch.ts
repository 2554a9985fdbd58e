import type { LogLine } from '../state/createCockpitStore.js';

/**
 * Searching the log, as less and vim's smartcase do it: a query with a capital
 * letter matches its case exactly, an all-lowercase one matches any case.
 * Line numbers are absolute (see CockpitState.logViewEnd).
 */
export function lineMatcher(query: string): (text: string) => boolean {
  if (query === '') return () => false;
  if (query !== query.toLowerCase()) return (text) => text.includes(query);
  return (text) => text.toLowerCase().includes(query);
}

/** Where `query` occurs in `text`, as [start, end) ranges that do not overlap. */
export function matchRanges(text: string, query: string): Array<[number, number]> {
  if (query === '') return [];
  const haystack = query !== query.toLowerCase() ? text : text.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (let at = haystack.indexOf(query); at !== -1; at = haystack.indexOf(query, at + query.length)) ranges.push([at, at + query.length]);
  return ranges;
}

/**
 * The first line matching `query` from line `from` (not included) in
 * `direction` (-1: older, 1: newer), wrapping at either end of the buffer;
 * `from` itself when it is the only match; null when no line matches.
 */
export function findLogMatch(log: readonly LogLine[], logAppended: number, query: string, from: number, direction: -1 | 1): number | null {
  const matches = lineMatcher(query);
  const oldest = logAppended - log.length;
  // A line the ring buffer already dropped (or one not yet appended) starts from that end.
  let index = Math.max(-1, Math.min(log.length, from - oldest));
  for (let step = 0; step < log.length; step++) {
    index += direction;
    if (index < 0) index = log.length - 1;
    else if (index >= log.length) index = 0;
    if (matches(log[index]!.text)) return oldest + index;
  }
  return null;
}

export interface MatchCount {
  /** Lines that match. */
  total: number;
  /** The active match's place among them, oldest first (1-based); 0 when it is not in the buffer. */
  ordinal: number;
}

export function countLogMatches(log: readonly LogLine[], logAppended: number, query: string, active: number | null): MatchCount {
  const matches = lineMatcher(query);
  const activeIndex = active === null ? -1 : active - (logAppended - log.length);
  let total = 0;
  let ordinal = 0;
  for (let index = 0; index < log.length; index++) {
    if (!matches(log[index]!.text)) continue;
    total++;
    if (index === activeIndex) ordinal = total;
  }
  return { total, ordinal };
}

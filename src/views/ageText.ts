import { formatDuration } from '../services/cluster/formatDuration.js';

/**
 * How long before `now` something happened, e.g. "2 min 5 s". `now` is the
 * last tick's time, not the wall clock, so a frame depends only on the store.
 */
export function ageText(now: number, then: number): string {
  return formatDuration(Math.max(0, now - then) / 1000);
}

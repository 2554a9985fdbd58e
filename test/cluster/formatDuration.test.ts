import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/services/cluster/formatDuration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [0.04, '0 s'],
    [0.25, '0.3 s'],
    [4, '4 s'],
    [4.5, '4.5 s'],
    [9.94, '9.9 s'],
    [9.96, '10 s'],
    [30, '30 s'],
    [59.4, '59 s'],
    [60, '1 min'],
    [200, '3 min 20 s'],
    [300, '5 min'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
    [7529, '2 h 5 min'],
    [86_399, '1 d'],
    [86_400, '1 d'],
    [3 * 86_400 + 4 * 3600, '3 d 4 h'],
    [400 * 86_400, '400 d'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('rounds at the precision shown, never "59 min 60 s"', () => {
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(3599.6)).toBe('1 h');
    expect(formatDuration(3570)).toBe('59 min 30 s');
    expect(formatDuration(86_370)).toBe('1 d');
    expect(formatDuration(86_100)).toBe('23 h 55 min');
  });

  it('signs negative durations and shows ? for what is not a number', () => {
    expect(formatDuration(-4)).toBe('-4 s');
    expect(formatDuration(Number.NaN)).toBe('?');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });
});

import { describe, expect, it } from 'vitest';
import { sparklineText } from '../../src/views/sparklineText.js';

describe('sparklineText', () => {
  it('scales from zero to the largest value shown', () => {
    expect(sparklineText([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  });

  it('keeps only the newest values that fit the width', () => {
    expect(sparklineText([100, 0, 7], 2)).toBe('▁█');
  });

  it('draws a flat line for all zeros and nothing for no values or no width', () => {
    expect(sparklineText([0, 0, 0], 10)).toBe('▁▁▁');
    expect(sparklineText([], 10)).toBe('');
    expect(sparklineText([1, 2], 0)).toBe('');
  });

  it('treats negative and non-finite values as zero', () => {
    expect(sparklineText([-5, Number.NaN, 4], 3)).toBe('▁▁█');
  });
});

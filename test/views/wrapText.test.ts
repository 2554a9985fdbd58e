import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/views/wrapText.js';

describe('wrapText', () => {
  it('breaks at spaces, never past the width, indenting continuations', () => {
    expect(wrapText('the quick brown fox jumps over the lazy dog', 10, '  ')).toEqual(['the quick', '  brown', '  fox', '  jumps', '  over the', '  lazy dog']);
  });

  it('cuts a word longer than a line into pieces and keeps every character', () => {
    const lines = wrapText('aaaaaaaaaaaaaaaaaaaaaaaaa bb', 10, '   ');
    expect(lines.every((line) => line.length <= 10)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe('a'.repeat(25) + 'bb');
  });

  it('leaves a line that fits as it is', () => {
    expect(wrapText('short', 10)).toEqual(['short']);
    expect(wrapText('', 10)).toEqual(['']);
  });
});

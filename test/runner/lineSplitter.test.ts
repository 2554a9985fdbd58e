import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/services/runner/lineSplitter.js';

function split(chunks: string[], maxLength?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), maxLength);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('line splitter', () => {
  it('ends lines at \\n, \\r\\n and a lone \\r, wherever the chunks break', () => {
    expect(split(['a\nb', 'c\r', '\nd\re\n'])).toEqual(['a', 'bc', 'd', 'e']);
    expect(split(['x\r', 'y'])).toEqual(['x', 'y']);
    expect(split(['\n\n'])).toEqual(['', '']);
  });

  it('emits the unfinished last line at the end, and nothing for an empty stream', () => {
    expect(split(['tail'])).toEqual(['tail']);
    expect(split([])).toEqual([]);
  });

  it('cuts a line that never ends at maxLength', () => {
    expect(split(['abcdefg', 'hij\nk'], 4)).toEqual(['abcd', 'efgh', 'ij', 'k']);
  });
});

import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/services/cluster/formatBytes.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 kB'],
    [1536, '1.5 kB'],
    [10 * KiB, '10 kB'],
    [16 * MiB, '16 MB'],
    [12 * MiB + 300 * KiB, '12 MB'],
    [1.5 * GiB, '1.5 GB'],
    [9.94 * GiB, '9.9 GB'],
    [2 * TiB, '2 TB'],
    [3 * 1024 * TiB, '3 PB'],
    [5000 * 1024 * TiB, '5000 PB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('uses the units postgresql.conf uses: 1 MB is 1024 kB', () => {
    expect(formatBytes(MiB)).toBe('1 MB');
    expect(formatBytes(1_000_000)).toBe('977 kB');
  });

  it('rounds up into the next unit instead of showing 1024 of one', () => {
    expect(formatBytes(1023.6)).toBe('1 kB');
    expect(formatBytes(MiB - 10)).toBe('1 MB');
    expect(formatBytes(GiB - 1)).toBe('1 GB');
  });

  it('keeps one decimal below 10 and none from 10 up, with no trailing .0', () => {
    expect(formatBytes(9.96 * MiB)).toBe('10 MB');
    expect(formatBytes(2 * GiB)).toBe('2 GB');
    expect(formatBytes(2.04 * GiB)).toBe('2 GB');
    expect(formatBytes(2.05 * GiB)).toBe('2.1 GB');
    expect(formatBytes(123.4 * MiB)).toBe('123 MB');
  });

  it('signs negative sizes and shows ? for what is not a number', () => {
    expect(formatBytes(-1.5 * MiB)).toBe('-1.5 MB');
    expect(formatBytes(Number.NaN)).toBe('?');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('?');
  });
});

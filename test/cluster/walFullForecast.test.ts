import { describe, expect, it } from 'vitest';
import { forecastHoursToFull } from '../../src/services/cluster/walFullForecast.js';
import { GiB, MiB, NOW } from './fixtures.js';

/** Samples every `stepMs` from NOW, growing by `bytesPerStep` from `startBytes`. */
function growing(count: number, stepMs: number, startBytes: number, bytesPerStep: number) {
  return Array.from({ length: count }, (_, index) => ({ at: NOW + index * stepMs, usedBytes: startBytes + index * bytesPerStep }));
}

describe('forecastHoursToFull', () => {
  it('divides the free space by the growth rate', () => {
    // 1 GB per hour, 10 GB free: 10 hours.
    const samples = growing(11, 6 * 60_000, 5 * GiB, GiB / 10);
    expect(forecastHoursToFull(samples, 10 * GiB)).toBeCloseTo(10, 9);
  });

  it('fits a least-squares line through noisy samples', () => {
    const noise = [0, 3, -2, 4, -1, -4, 2, 1, -3, 0];
    const samples = growing(10, 60_000, GiB, 10 * MiB).map((sample, index) => ({ ...sample, usedBytes: sample.usedBytes + (noise[index] ?? 0) * MiB }));
    // 10 MB per minute ≈ 600 MB per hour; 6 GB free ≈ 10 h (noise shifts the slope a little).
    const hours = forecastHoursToFull(samples, 6000 * MiB);
    expect(hours).not.toBeNull();
    expect(hours ?? 0).toBeGreaterThan(9);
    expect(hours ?? 0).toBeLessThan(11);
  });

  it('keeps precision with epoch-millisecond times', () => {
    const samples = [
      { at: NOW, usedBytes: 0 },
      { at: NOW + 30_000, usedBytes: 30 * MiB },
    ];
    // 1 MB per second: 3600 MB free lasts 1 hour.
    expect(forecastHoursToFull(samples, 3600 * MiB)).toBeCloseTo(1, 9);
  });

  it('accepts samples out of order', () => {
    const samples = growing(5, 60_000, GiB, 60 * MiB).reverse();
    expect(forecastHoursToFull(samples, 3600 * MiB)).toBeCloseTo(1, 9);
  });

  it('is 0 when nothing is free and use still grows', () => {
    expect(forecastHoursToFull(growing(3, 60_000, GiB, MiB), 0)).toBe(0);
  });

  it('is null with fewer than two samples', () => {
    expect(forecastHoursToFull([], GiB)).toBeNull();
    expect(forecastHoursToFull([{ at: NOW, usedBytes: GiB }], GiB)).toBeNull();
  });

  it('is null when the samples span less than 30 s', () => {
    expect(forecastHoursToFull(growing(10, 3_000, GiB, 100 * MiB), GiB)).toBeNull();
    expect(forecastHoursToFull(growing(2, 30_000, GiB, 100 * MiB), GiB)).not.toBeNull();
  });

  it('is null when use is flat or shrinking', () => {
    expect(forecastHoursToFull(growing(5, 60_000, GiB, 0), GiB)).toBeNull();
    expect(forecastHoursToFull(growing(5, 60_000, GiB, -MiB), GiB)).toBeNull();
  });
});

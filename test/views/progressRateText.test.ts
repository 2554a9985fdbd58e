import { describe, expect, it } from 'vitest';
import { basebackupProgressReport } from '../../src/services/runner/progress/basebackupProgress.js';
import { progressRateText } from '../../src/views/progressRateText.js';

const MB = 1024 * 1024;

describe('progressRateText: the rate and the time left a job bar shows', () => {
  it("with the tool's amounts: done of total, the rate so far and the time left at that rate", () => {
    const job = { startedAt: 0, progress: 48 / 144, progressAmount: { done: 48 * MB, total: 144 * MB, unit: 'bytes' as const } };
    expect(progressRateText(job, 6000)).toBe('48 MB of 144 MB, 8 MB/s, about 12 s left');
  });

  it('with a fraction only: the time left at the pace so far; nothing too early to tell', () => {
    expect(progressRateText({ startedAt: 0, progress: 0.25 }, 20_000)).toBe('about 1 min left');
    expect(progressRateText({ startedAt: 0, progress: 0.005 }, 20_000)).toBeUndefined();
    expect(progressRateText({ startedAt: 0, progress: 0.5 }, 500)).toBeUndefined();
    expect(progressRateText({ startedAt: 0 }, 20_000)).toBeUndefined();
  });

  it("pg_basebackup's report gives the amounts in bytes", () => {
    expect(basebackupProgressReport(' 32810/137344 kB (23%), 0/1 tablespace')).toEqual({
      fraction: 32810 / 137344,
      amount: { done: 32810 * 1024, total: 137344 * 1024, unit: 'bytes' },
    });
    expect(basebackupProgressReport('waiting for checkpoint')).toBeNull();
  });
});

import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import type { JobRecord } from '../services/runner/jobRecord.js';

/**
 * The rate and the time left of a running job, as far as its output tells:
 * with the tool's amounts (pg_basebackup's kB) "48 MB of 140 MB, 8.0 MB/s,
 * about 12 s left"; with only a fraction, the time left at the pace so far;
 * nothing before there is enough to go on (1 % done, or a second gone).
 */
export function progressRateText(job: Pick<JobRecord, 'progress' | 'progressAmount' | 'startedAt'>, now: number): string | undefined {
  const seconds = (now - job.startedAt) / 1000;
  const fraction = job.progress;
  if (fraction === undefined || seconds < 1) return undefined;
  const amount = job.progressAmount;
  if (amount && amount.done > 0) {
    const rate = amount.done / seconds;
    const left = Math.max(0, amount.total - amount.done) / rate;
    return `${formatBytes(amount.done)} of ${formatBytes(amount.total)}, ${formatBytes(rate)}/s${fraction < 1 ? `, about ${formatDuration(left)} left` : ''}`;
  }
  if (fraction < 0.01 || fraction >= 1) return undefined;
  return `about ${formatDuration((seconds * (1 - fraction)) / fraction)} left`;
}

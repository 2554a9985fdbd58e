/** Below this span, a few polls' noise would pass for a trend. */
const MIN_SPAN_MS = 30_000;
const MS_PER_HOUR = 3_600_000;

/**
 * Hours until the file system holding pg_wal is full, if WAL use keeps
 * growing at its least-squares rate over the samples (`at` in ms). Null with
 * fewer than 2 samples, a span under 30 s, or use that is not growing.
 */
export function forecastHoursToFull(samples: { at: number; usedBytes: number }[], freeBytes: number): number | null {
  if (samples.length < 2) return null;
  const times = samples.map((sample) => sample.at);
  if (Math.max(...times) - Math.min(...times) < MIN_SPAN_MS) return null;
  // Centred on the means: epoch milliseconds squared would lose precision in doubles.
  const meanAt = mean(times);
  const meanUsed = mean(samples.map((sample) => sample.usedBytes));
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    const dt = sample.at - meanAt;
    covariance += dt * (sample.usedBytes - meanUsed);
    variance += dt * dt;
  }
  const bytesPerMs = covariance / variance;
  if (!Number.isFinite(bytesPerMs) || bytesPerMs <= 0) return null;
  return Math.max(0, freeBytes) / bytesPerMs / MS_PER_HOUR;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as bars from ▁ (zero) to █ (the largest shown).
 * Scaled from zero, not from the minimum, so a steady 40 MB lag reads as
 * tall bars rather than as noise around a middle line.
 */
export function sparklineText(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width).map((value) => (Number.isFinite(value) ? Math.max(0, value) : 0));
  const max = Math.max(0, ...shown);
  return shown
    .map((value) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((value / max) * (BARS.length - 1)))]))
    .join('');
}

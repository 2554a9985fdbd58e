/**
 * Sizes the way postgresql.conf and pg_size_pretty spell them: 1024-based
 * units named B, kB, MB, GB, TB, PB. One decimal below 10 of a unit ("1.5 GB"),
 * whole numbers from 10 up ("12 MB"), so a column of sizes stays short.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  let shown = round(value, unit);
  // 1023.97 kB rounds to 1024 kB: say 1 MB instead.
  if (shown >= 1024 && unit < UNITS.length - 1) {
    unit += 1;
    shown = round(value / 1024, unit);
  }
  return `${shown} ${UNITS[unit]}`;
}

/** Whole bytes always; otherwise one decimal below 10 (dropping ".0"), none from 10 up. */
function round(value: number, unit: number): number {
  if (unit === 0) return Math.round(value);
  const tenths = Math.round(value * 10) / 10;
  return tenths < 10 ? tenths : Math.round(value);
}

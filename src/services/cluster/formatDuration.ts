/**
 * A duration for a DBA's eye: the two largest units that matter ("4 s",
 * "3 min 20 s", "2 h 5 min", "3 d 4 h"), a zero second unit left out ("5 min").
 * Under 10 s one decimal is kept, since sub-second lag is still worth seeing.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 9.95) return `${Math.round(seconds * 10) / 10} s`;
  // Round at the precision shown, so 3599.6 s reads "1 h", not "59 min 60 s".
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 60) return `${wholeSeconds} s`;
  if (wholeSeconds < 3600) return pair(Math.floor(wholeSeconds / 60), 'min', wholeSeconds % 60, 's');
  const minutes = Math.round(seconds / 60);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(seconds / 3600);
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

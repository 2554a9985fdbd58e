const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:s|min|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(s|min|m|h|d|w)/g;

/**
 * `--since` as a moment: an ISO time ("2024-05-01T10:00:00Z", "2024-05-01T10:00"
 * in local time, "2024-05-01") or a duration back from `now` ("90s", "15m",
 * "2h", "1d", "1h30m"; m is minutes).
 */
export function parseSince(value: string, now: Date): Date {
  const text = value.trim().toLowerCase();
  if (DURATION.test(text)) {
    let ms = 0;
    for (const [, amount = '0', unit = 's'] of text.matchAll(DURATION_PART)) ms += Number(amount) * (UNIT_MS[unit] ?? 0);
    return new Date(now.getTime() - ms);
  }
  // Date.parse alone takes "2" for February 2001; only a date that starts like one is a date.
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const at = Date.parse(value.trim());
    if (!Number.isNaN(at)) return new Date(at);
  }
  throw new Error(`"${value}" is neither a time (2024-05-01T10:00, 2024-05-01) nor a duration (90s, 15m, 2h, 1d)`);
}

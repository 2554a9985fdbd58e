/**
 * recovery_target_time as the DBA meant it. The runbook's own mistake: a
 * time written without a zone (or with one the server reads differently)
 * is taken in the server's TimeZone, not the DBA's, and zone abbreviations
 * are looked up by the server (PostgreSQL 18 first tries the session's zone),
 * so "CST" is not one instant. pgcockpit accepts ISO 8601 or PostgreSQL's
 * input form, with a numeric offset, "Z"/"UTC", an IANA zone name, or no zone
 * (then the server's TimeZone, said so), refuses abbreviations, and always
 * writes the setting with an explicit numeric offset.
 */
export type TargetTime =
  | {
      ok: true;
      /** What is written: "2026-11-30 12:00:00+09:00" (microseconds kept when given). */
      value: string;
      /** The instant, in UTC. */
      utc: string;
      /** How the input was read, and how the server will show it: for the form and the plan. */
      reading: string;
    }
  | { ok: false; reason: string };

const INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(.*)$/;
const OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?$/;

/** Reads `input`; `serverTimeZone` is the server's TimeZone setting (SHOW timezone), used when the input names no zone. */
export function readTargetTime(input: string, serverTimeZone: string): TargetTime {
  const text = input.trim();
  const match = INPUT.exec(text);
  if (!match) return { ok: false, reason: `"${text}" is not a time: write 2026-11-30 12:00:00 (ISO 8601 or PostgreSQL's form), with +09:00, Z or a zone name like Asia/Tokyo` };
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zoneText = ''] = match;
  const wall = { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) };
  const wallMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const check = new Date(wallMs);
  if (check.getUTCMonth() !== wall.month - 1 || check.getUTCDate() !== wall.day || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return { ok: false, reason: `"${text}" is not a valid date and time` };
  }
  const zone = zoneText.trim();
  let offsetMinutes: number;
  let how: string;
  const offset = OFFSET.exec(zone);
  if (zone === 'Z' || zone.toUpperCase() === 'UTC' || zone === '+00' || zone === '-00') {
    offsetMinutes = 0;
    how = 'in UTC';
  } else if (offset) {
    const [, sign, hours, minutes = '00'] = offset;
    if (Number(hours) > 15 || Number(minutes) > 59) return { ok: false, reason: `offset ${zone} is out of range` };
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
    how = `at offset ${formatOffset(offsetMinutes)}`;
  } else if (zone === '') {
    const resolved = zoneOffsetAt(serverTimeZone, wallMs);
    if (!resolved.ok) return { ok: false, reason: `no zone given, and the server's TimeZone ${serverTimeZone}: ${resolved.reason}; write the offset (+01:00)` };
    offsetMinutes = resolved.offsetMinutes;
    how = `in the server's TimeZone ${serverTimeZone} (no zone was given)`;
  } else if (zone.includes('/') || isZoneName(zone)) {
    const resolved = zoneOffsetAt(zone, wallMs);
    if (!resolved.ok) return { ok: false, reason: `${zone}: ${resolved.reason}` };
    offsetMinutes = resolved.offsetMinutes;
    how = `in ${zone}`;
  } else {
    return {
      ok: false,
      reason: `"${zone}" is a zone abbreviation: the server reads those by its own tables (PostgreSQL 18 tries the session's zone first), so it may not be the instant you mean; write the offset (+09:00) or a zone name (Asia/Tokyo)`,
    };
  }
  const instant = wallMs - offsetMinutes * 60_000;
  const fractionText = fraction === '' ? '' : `.${fraction}`;
  const value = `${year}-${month}-${day} ${hour}:${minute}:${second}${fractionText}${formatOffset(offsetMinutes)}`;
  const utc = `${new Date(instant).toISOString().slice(0, 19).replace('T', ' ')}${fractionText}Z`;
  const server = zoneOffsetAt(serverTimeZone, instant, true);
  const shown = server.ok ? ` ${serverTimeZone} shows it as ${wallText(instant + server.offsetMinutes * 60_000)}${fractionText}${formatOffset(server.offsetMinutes)}` : '';
  return { ok: true, value, utc, reading: `read ${how}: ${value} (${utc});${shown || ' the server writes it in UTC'}` };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function wallText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function isZoneName(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    // "EST", "CET" and friends are accepted by ICU too, but they are abbreviations: only names with a slash, and UTC/GMT, count.
    return /^(UTC|GMT|Etc\/.+)$/i.test(zone);
  } catch {
    return false;
  }
}

/** The zone's offset (minutes east of UTC) at an instant. */
function offsetAtInstant(zone: string, instant: number): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(instant)).find((item) => item.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(part);
  if (!match || !match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * The offset of `zone` for a wall-clock time (`wallMs`: that wall time read
 * as UTC), or for an instant when `isInstant`. A wall time the zone skips
 * (clocks forward) or has twice (clocks back) is refused: it is no one instant.
 */
function zoneOffsetAt(zone: string, wallMs: number, isInstant = false): { ok: true; offsetMinutes: number } | { ok: false; reason: string } {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return { ok: false, reason: 'not a zone this machine knows (an IANA name such as Europe/Berlin)' };
  }
  if (isInstant) return { ok: true, offsetMinutes: offsetAtInstant(zone, wallMs) };
  const candidates = new Set<number>();
  for (const probe of [wallMs - 86_400_000, wallMs, wallMs + 86_400_000]) candidates.add(offsetAtInstant(zone, probe));
  const fits = [...candidates].filter((offset) => offsetAtInstant(zone, wallMs - offset * 60_000) === offset);
  if (fits.length === 1) return { ok: true, offsetMinutes: fits[0]! };
  return fits.length === 0
    ? { ok: false, reason: `${wallText(wallMs)} does not exist in ${zone} (the clocks jump over it)` }
    : { ok: false, reason: `${wallText(wallMs)} happens twice in ${zone} (the clocks go back): write the offset you mean (${fits.map(formatOffset).join(' or ')})` };
}

/**
 * Quotes a string for postgresql.conf: single quotes around it, a single
 * quote inside doubled, and a backslash doubled too, because the server's
 * config parser still reads backslash escapes (\t, \\) in quoted values.
 */
export function confString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

export type ConfSetting = string | number | boolean;

/** `name = value` lines for postgresql.conf, strings quoted, in the given order. */
export function confLines(settings: Record<string, ConfSetting>): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      const rendered = typeof value === 'string' ? confString(value) : typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
      return `${name} = ${rendered}\n`;
    })
    .join('');
}

/**
 * A libpq connection string value: quoted when it holds spaces, quotes or
 * backslashes, with those escaped by a backslash (libpq's conninfo rule).
 */
export function conninfoValue(value: string): string {
  if (value !== '' && !/[\s'\\]/.test(value)) return value;
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function conninfo(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${conninfoValue(String(value))}`)
    .join(' ');
}

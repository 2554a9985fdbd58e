import { conninfo } from '../postgres/confValue.js';

/** One `key=value` of a libpq connection string, in the order written. */
export type ConninfoEntry = readonly [key: string, value: string];

/**
 * Parses a libpq connection string the way libpq does (conninfo_parse):
 * `key = value` pairs separated by whitespace, a value either bare (up to the
 * next whitespace) or in single quotes, with `\'` and `\\` escapes in both.
 * A URI (postgresql://user@host:port/db?opt=v) is read into the same pairs.
 * Throws on what libpq would refuse, naming the problem.
 */
export function parseConninfo(text: string): ConninfoEntry[] {
  const trimmed = text.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parseConninfoUri(trimmed);
  const entries: ConninfoEntry[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
  };
  while (true) {
    skipSpace();
    if (i >= text.length) return entries;
    const keyStart = i;
    while (i < text.length && text.charAt(i) !== '=' && !/\s/.test(text.charAt(i))) i++;
    const key = text.slice(keyStart, i);
    skipSpace();
    if (text.charAt(i) !== '=') throw new Error(`connection string: missing "=" after "${key}"`);
    i++;
    skipSpace();
    let value = '';
    if (text.charAt(i) === "'") {
      i++;
      let closed = false;
      while (i < text.length) {
        const char = text.charAt(i);
        if (char === '\\' && i + 1 < text.length) {
          value += text.charAt(i + 1);
          i += 2;
        } else if (char === "'") {
          i++;
          closed = true;
          break;
        } else {
          value += char;
          i++;
        }
      }
      if (!closed) throw new Error(`connection string: unterminated quoted value for "${key}"`);
    } else {
      while (i < text.length && !/\s/.test(text.charAt(i))) {
        const char = text.charAt(i);
        if (char === '\\' && i + 1 < text.length) {
          value += text.charAt(i + 1);
          i += 2;
        } else {
          value += char;
          i++;
        }
      }
    }
    entries.push([key, value]);
  }
}

function parseConninfoUri(text: string): ConninfoEntry[] {
  const url = new URL(text.replace(/^postgres(ql)?:/i, 'http:'));
  const entries: ConninfoEntry[] = [];
  const add = (key: string, value: string) => {
    if (value !== '') entries.push([key, decodeURIComponent(value)]);
  };
  add('user', url.username);
  add('password', url.password);
  add('host', url.hostname.replace(/^\[(.*)\]$/, '$1'));
  add('port', url.port);
  add('dbname', url.pathname.replace(/^\//, ''));
  for (const [key, value] of url.searchParams) entries.push([key, value]);
  return entries;
}

/** Entries back into a key=value string, quoting values as libpq reads them. */
export function formatConninfo(entries: readonly ConninfoEntry[]): string {
  return entries.map(([key, value]) => conninfo({ [key]: value })).join(' ');
}

export interface RepointTarget {
  host: string;
  port: number;
  /** The replication role (config.replication.user). */
  user: string;
  /** The standby's own name: what its upstream's pg_stat_replication shows. */
  applicationName: string;
}

export interface RepointedConninfo {
  conninfo: string;
  /** The old string held a password; it was left out (it belongs in the passfile). */
  droppedPassword: boolean;
}

/** Keys that say where to connect: replaced as a whole, since hostaddr overrides host and a service may name another server. */
const WHERE_KEYS = new Set(['host', 'hostaddr', 'port', 'service']);
const SECRET_KEYS = new Set(['password']);
const SET_KEYS = new Set(['user', 'application_name']);

/**
 * A standby's primary_conninfo pointed at another upstream: host and port
 * replaced, user and application_name set, every other setting the standby
 * had (passfile, sslmode, connect_timeout, ...) kept in its place. A password
 * is never written: it is dropped and reported.
 */
export function repointConninfo(existing: string, target: RepointTarget): RepointedConninfo {
  const entries = existing.trim() === '' ? [] : parseConninfo(existing);
  const droppedPassword = entries.some(([key]) => SECRET_KEYS.has(key));
  const kept = entries.filter(([key]) => !WHERE_KEYS.has(key) && !SECRET_KEYS.has(key) && !SET_KEYS.has(key));
  const result: ConninfoEntry[] = [
    ['host', target.host],
    ['port', String(target.port)],
    ['user', target.user],
    ['application_name', target.applicationName],
    ...kept,
  ];
  return { conninfo: formatConninfo(result), droppedPassword };
}

/** host and port a connection string points at (libpq defaults: port 5432), for matching it to a configured node. */
export function conninfoEndpoint(text: string): { host: string | undefined; port: number } {
  const entries = parseConninfo(text);
  const get = (key: string) => [...entries].reverse().find(([candidate]) => candidate === key)?.[1];
  return { host: get('hostaddr') ?? get('host'), port: Number(get('port') ?? 5432) };
}

import { confString, conninfo, conninfoValue } from '../postgres/confValue.js';
import { rememberSecrets } from '../runner/secretMasker.js';

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
  /** The replication role (config.replication.user): used only when the conninfo names no user of its own. */
  user: string;
  /** Set application_name to this; absent: keep the standby's own (or none, so its cluster_name or "walreceiver" stays). */
  applicationName?: string;
}

export interface RepointedConninfo {
  conninfo: string;
  /** The conninfo carries a password (kept where it was: the standby's own postgresql.auto.conf); mask it wherever it is shown. */
  hasPassword: boolean;
}

/** Keys that say where to connect: replaced as a whole, since hostaddr overrides host and a service may name another server. */
const WHERE_KEYS = new Set(['host', 'hostaddr', 'port', 'service']);
/** What a node logs in with: it keeps its own, wherever it stood. */
const CREDENTIAL_KEYS = new Set(['user', 'password', 'passfile']);

/**
 * A standby's primary_conninfo pointed at another upstream: host and port
 * replaced, everything else the standby had (its user, password and passfile,
 * sslmode, application_name, ...) kept in its place. A password stays: it is
 * what pg_basebackup -R wrote when the DBA typed it, and the standby cannot
 * log in without it. A user is added only when the string names none.
 */
export function repointConninfo(existing: string, target: RepointTarget): RepointedConninfo {
  const entries = existing.trim() === '' ? [] : parseConninfo(existing);
  const kept = entries.filter(([key]) => !WHERE_KEYS.has(key) && !(target.applicationName !== undefined && key === 'application_name'));
  const result: ConninfoEntry[] = [
    ['host', target.host],
    ['port', String(target.port)],
    ...(kept.some(([key]) => key === 'user') ? [] : [['user', target.user] as const]),
    ...(target.applicationName !== undefined ? [['application_name', target.applicationName] as const] : []),
    ...kept,
  ];
  return { conninfo: formatConninfo(result), hasPassword: result.some(([key]) => key === 'password') };
}

export interface RejoinConninfoInput {
  /** The old primary's own primary_conninfo, if it kept one (from when it was a standby): its credentials come first. */
  own: string;
  /** The new primary's (the switchover target's) primary_conninfo: its options, and its credentials when the old primary has none. */
  target: string;
  host: string;
  port: number;
  /** config.replication.user: the login when neither string names one. */
  user: string;
  /** The old primary's name, for application_name when the target's string set one (its own name, which is not ours). */
  nodeName: string;
  /** config.replication.passfile: with the config's credentials, where the standby's OS user reads the password. */
  passfile?: string;
}

/**
 * The conninfo an old primary rejoins with: the target's options (sslmode,
 * ...) pointed at the target, with credentials taken from the old primary's
 * own previous conninfo, else from the target's, else the config's
 * replication user (whose password must then be in a passfile the server's
 * OS user can read: the replication-login check proves it).
 */
export function rejoinConninfo(input: RejoinConninfoInput): RepointedConninfo & { credentialsFrom: 'own' | 'target' | 'config' } {
  const parse = (text: string) => (text.trim() === '' ? [] : parseConninfo(text));
  const own = parse(input.own);
  const target = parse(input.target);
  const ownCredentials = own.filter(([key]) => CREDENTIAL_KEYS.has(key));
  const targetCredentials = target.filter(([key]) => CREDENTIAL_KEYS.has(key));
  const credentialsFrom = ownCredentials.some(([key]) => key !== 'user') ? 'own' : targetCredentials.length > 0 ? 'target' : ownCredentials.length > 0 ? 'own' : 'config';
  const credentials: ConninfoEntry[] =
    credentialsFrom === 'own' ? ownCredentials : credentialsFrom === 'target' ? targetCredentials : [['user', input.user], ...(input.passfile !== undefined ? [['passfile', input.passfile] as const] : [])];
  const ownName = own.find(([key]) => key === 'application_name')?.[1];
  const targetName = target.find(([key]) => key === 'application_name')?.[1];
  // The target's application_name named the target (or stood for it): the old primary goes by its own name.
  const applicationName = ownName ?? (targetName !== undefined ? input.nodeName : undefined);
  const options = target.filter(([key]) => !WHERE_KEYS.has(key) && !CREDENTIAL_KEYS.has(key) && key !== 'application_name');
  const result: ConninfoEntry[] = [
    ['host', input.host],
    ['port', String(input.port)],
    ...credentials,
    ...(applicationName !== undefined ? [['application_name', applicationName] as const] : []),
    ...options,
  ];
  if (!result.some(([key]) => key === 'user')) result.splice(2, 0, ['user', input.user]);
  return { conninfo: formatConninfo(result), hasPassword: result.some(([key]) => key === 'password'), credentialsFrom };
}

/** host and port a connection string points at (libpq defaults: port 5432), for matching it to a configured node. */
export function conninfoEndpoint(text: string): { host: string | undefined; port: number } {
  const entries = parseConninfo(text);
  const get = (key: string) => [...entries].reverse().find(([candidate]) => candidate === key)?.[1];
  return { host: get('hostaddr') ?? get('host'), port: Number(get('port') ?? 5432) };
}

/**
 * Tells the mask about the passwords a conninfo holds, in every form a plan
 * may print them: as is, quoted for a conninfo, inside an SQL literal and
 * inside postgresql.auto.conf. Never throws (an unparsable string holds
 * nothing it could tell).
 */
export function rememberConninfoPasswords(text: string): void {
  let entries: ConninfoEntry[];
  try {
    entries = parseConninfo(text);
  } catch {
    return;
  }
  for (const [key, value] of entries) {
    if (!/password/i.test(key) || value === '') continue;
    const quoted = conninfoValue(value).replace(/^'(.*)'$/s, '$1');
    rememberSecrets([value, quoted, quoted.replaceAll("'", "''"), confString(quoted).slice(1, -1)]);
  }
}

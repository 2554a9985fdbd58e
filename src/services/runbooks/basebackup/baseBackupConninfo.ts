import type { ConninfoEntry } from '../conninfoEdit.js';
import { formatConninfo, parseConninfo } from '../conninfoEdit.js';

/** What pg_basebackup shows in pg_stat_replication while it copies. */
export const BASEBACKUP_APPLICATION_NAME = 'pgcockpit_basebackup';

/** A primary_conninfo the replication credentials may come from, and whose it is. */
export interface ConninfoSource {
  from: string;
  conninfo: string;
}

const WHERE = new Set(['host', 'hostaddr', 'port', 'service', 'dbname', 'replication', 'application_name']);
const CREDENTIALS = new Set(['user', 'password', 'passfile']);

/**
 * The login pg_basebackup makes to `host:port`, with the credentials a
 * rebuild would use: those of the first primary_conninfo that carries a
 * password or a passfile (the backups host's own, the node's own, then the
 * other standbys': one replication role serves the whole cluster), with
 * that string's options (sslmode, ...); else the config's replication user
 * and replication.passfile. A password stays in the conninfo here; the
 * command takes it out into PGPASSWORD (never argv, which ps shows).
 */
export function baseBackupConninfo(input: { host: string; port: number; sources: readonly ConninfoSource[]; user: string; passfile?: string }): { conninfo: string; credentialsFrom: string } {
  for (const source of input.sources) {
    let entries: ConninfoEntry[];
    try {
      entries = source.conninfo.trim() === '' ? [] : parseConninfo(source.conninfo);
    } catch {
      continue;
    }
    if (!entries.some(([key]) => key === 'password' || key === 'passfile')) continue;
    const credentials = entries.filter(([key]) => CREDENTIALS.has(key));
    const options = entries.filter(([key]) => !WHERE.has(key) && !CREDENTIALS.has(key));
    const user: ConninfoEntry[] = credentials.some(([key]) => key === 'user') ? [] : [['user', input.user]];
    return { conninfo: formatConninfo([['host', input.host], ['port', String(input.port)], ...user, ...credentials, ...options, ['application_name', BASEBACKUP_APPLICATION_NAME]]), credentialsFrom: `${source.from}'s primary_conninfo` };
  }
  return {
    conninfo: formatConninfo([
      ['host', input.host],
      ['port', String(input.port)],
      ['user', input.user],
      ...(input.passfile !== undefined ? [['passfile', input.passfile] as const] : []),
      ['application_name', BASEBACKUP_APPLICATION_NAME],
    ]),
    credentialsFrom: `the config (replication.user ${input.user}${input.passfile ? `, replication.passfile ${input.passfile}` : '; its password in the OS user\'s ~/.pgpass'})`,
  };
}

/** The conninfo without its password, and the password (for PGPASSWORD). */
export function splitPassword(conninfo: string): { connection: string; password?: string } {
  const entries = parseConninfo(conninfo);
  const password = entries.find(([key]) => key === 'password')?.[1];
  return { connection: formatConninfo(entries.filter(([key]) => key !== 'password')), ...(password !== undefined ? { password } : {}) };
}

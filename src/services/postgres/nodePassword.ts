import type { NodeConfig } from '../config/schema.js';
import { findPassword, passfilePath, readPassfile } from './passfile.js';

export type NodePasswordLookup =
  | { found: true; password: string; from: string }
  | { found: false; reasons: string[] };

/**
 * Where a node's password comes from, in this order:
 *
 * 1. the passfile the config names for it (the node's, its pgService's or the
 *    cluster's `passfile`), when it has a line for the node;
 * 2. $PGPASSWORD;
 * 3. with no passfile in the config: $PGPASSFILE, else ~/.pgpass (libpq's own).
 *
 * libpq would put $PGPASSWORD first. A passfile written into the config is
 * the DBA's word for this cluster; PGPASSWORD is whatever the shell holds,
 * often for another server, and a wrong password is no way to log in (and
 * counts against the account). So the config's passfile wins, and
 * PGPASSWORD is the fallback. An empty PGPASSWORD counts as unset, as in libpq.
 */
export async function nodePassword(
  node: Pick<NodeConfig, 'host' | 'port' | 'user' | 'database' | 'passfile'>,
  clusterPassfile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodePasswordLookup> {
  const query = { host: node.host, port: node.port, database: node.database, user: node.user };
  const named = node.passfile ?? clusterPassfile;
  const fromEnv = env.PGPASSWORD !== undefined && env.PGPASSWORD !== '' ? env.PGPASSWORD : undefined;
  const reasons: string[] = [];
  const tryFile = async (file: string): Promise<string | undefined> => {
    const read = await readPassfile(file);
    if (read.status === 'unusable') {
      reasons.push(read.reason);
      return undefined;
    }
    const password = findPassword(read.entries, query);
    if (password === undefined) reasons.push(`password file ${file} has no line for ${describeLogin(query)}`);
    return password;
  };

  if (named !== undefined) {
    const password = await tryFile(named);
    if (password !== undefined) return { found: true, password, from: named };
    if (fromEnv !== undefined) return { found: true, password: fromEnv, from: 'PGPASSWORD' };
    reasons.push('PGPASSWORD is not set');
    return { found: false, reasons };
  }
  if (fromEnv !== undefined) return { found: true, password: fromEnv, from: 'PGPASSWORD' };
  reasons.push('PGPASSWORD is not set');
  const file = passfilePath(undefined, env);
  const password = await tryFile(file);
  if (password !== undefined) return { found: true, password, from: file };
  return { found: false, reasons };
}

/** `postgres@127.0.0.1:5432 (database demo)`: the four fields a passfile line matches on. */
export function describeLogin(query: { user: string; host: string; port: number; database: string }): string {
  return `${query.user}@${query.host}:${query.port} (database ${query.database})`;
}

/**
 * The server asked for a password and pgcockpit has none to give: says
 * which passfile was looked at and why it gave nothing. The closing words
 * keep node-postgres' own phrase, which tells "the server answered (it asked
 * for a password)" from "nothing answered" (serverAnswered()).
 */
export class NoPasswordError extends Error {
  override readonly name = 'NoPasswordError';
  constructor(
    readonly login: string,
    readonly reasons: readonly string[],
  ) {
    super(
      `no password found for ${login}: ${reasons.join('; ')}. ` +
        `Add a line host:port:database:user:password to the passfile (mode 0600) ` +
        `(the server asked for a password; node-postgres: client password must be a string)`,
    );
  }
}

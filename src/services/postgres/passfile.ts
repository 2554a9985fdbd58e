import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One line of a libpq password file: host:port:database:user:password. */
export interface PassfileEntry {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
}

/**
 * Parses a .pgpass file the way libpq does: `#` lines are comments, fields are
 * split on unescaped `:`, and `\:` / `\\` stand for `:` and `\`.
 */
export function parsePassfile(text: string): PassfileEntry[] {
  const entries: PassfileEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields: string[] = [];
    let field = '';
    for (let i = 0; i < line.length; i++) {
      const char = line.charAt(i);
      if (char === '\\' && i + 1 < line.length) {
        field += line.charAt(++i);
      } else if (char === ':') {
        // libpq ends the password at an unescaped ':' too (fe-connect.c): the rest of the line is ignored.
        if (fields.length === 4) break;
        fields.push(field);
        field = '';
      } else {
        field += char;
      }
    }
    fields.push(field);
    const [host, port, database, user, password] = fields;
    if (password !== undefined && host !== undefined && port !== undefined && database !== undefined && user !== undefined) {
      entries.push({ host, port, database, user, password });
    }
  }
  return entries;
}

export interface PasswordQuery {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** The first matching entry's password; `*` matches anything, as in libpq. */
export function findPassword(entries: readonly PassfileEntry[], query: PasswordQuery): string | undefined {
  const matches = (pattern: string, value: string) => pattern === '*' || pattern === value;
  return entries.find(
    (entry) =>
      matches(entry.host, query.host) &&
      matches(entry.port, String(query.port)) &&
      matches(entry.database, query.database) &&
      matches(entry.user, query.user),
  )?.password;
}

/** libpq's choice of password file: explicit passfile, then $PGPASSFILE, then ~/.pgpass. */
export function passfilePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.PGPASSFILE ?? path.join(os.homedir(), '.pgpass');
}

export async function lookupPassword(file: string, query: PasswordQuery): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : findPassword(parsePassfile(text), query);
}

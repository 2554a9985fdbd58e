import { readFile, stat } from 'node:fs/promises';
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

/** A passfile as read, or why libpq would not use it. */
export type PassfileRead =
  | { status: 'read'; file: string; entries: PassfileEntry[] }
  | { status: 'unusable'; file: string; reason: string };

/**
 * Reads a password file with libpq's checks (fe-connect.c, passwordFromFile):
 * a missing file is skipped; one that is not a plain file, or that group or
 * others may read, write or execute, is ignored with a warning ("permissions
 * should be u=rw (0600) or less"). pgcockpit refuses what psql would refuse,
 * so a password that works here works for the DBA's own tools too.
 */
export async function readPassfile(file: string): Promise<PassfileRead> {
  let mode: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { status: 'unusable', file, reason: `password file ${file} is not a plain file` };
    mode = info.mode;
  } catch (error) {
    return { status: 'unusable', file, reason: `password file ${file} ${accessFailure(error)}` };
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    return {
      status: 'unusable',
      file,
      reason: `password file ${file} has group or world access (mode ${octal}), so it is ignored as libpq does; permissions should be u=rw (0600) or less: chmod 0600 ${file}`,
    };
  }
  try {
    return { status: 'read', file, entries: parsePassfile(await readFile(file, 'utf8')) };
  } catch (error) {
    return { status: 'unusable', file, reason: `password file ${file} ${accessFailure(error)}` };
  }
}

/** The password for `query` in `file`, undefined when there is none or libpq would not use the file. */
export async function lookupPassword(file: string, query: PasswordQuery): Promise<string | undefined> {
  const read = await readPassfile(file);
  return read.status === 'read' ? findPassword(read.entries, query) : undefined;
}

function accessFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
  if (code === 'EACCES') return 'cannot be read: permission denied';
  return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
}

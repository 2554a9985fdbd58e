import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathExists } from '../os/pathExists.js';

/** One `[name]` section of a libpq connection service file (pg_service.conf). */
export interface PgServiceSection {
  name: string;
  /** 1-based line of the `[name]` header. */
  line: number;
  /** The section's `key=value` lines; the first of two lines with the same key wins, as in libpq. */
  params: Record<string, string>;
  /** The 1-based line each key in `params` comes from. */
  lines: Record<string, number>;
  /**
   * The first line in this section libpq refuses (no `=`, no key, a nested
   * `service=`). libpq only complains about the section it was asked for, so
   * this only matters when this service is the one used.
   */
  syntaxError?: { line: number; message: string };
}

/**
 * Parses a pg_service.conf the way libpq does (fe-connect.c, parseServiceFile):
 * leading and trailing whitespace of a line is ignored, so are blank lines and
 * lines starting with `#`; `[name]` opens a section (text after the `]` is
 * ignored, the name is matched exactly); inside a section each line is
 * `key=value`, split at the first `=`. Lines before the first section are
 * ignored. Unlike libpq, whitespace around the `=` is trimmed (`host = db1`
 * reads as host=db1 instead of an unknown keyword "host "). Values are taken
 * literally, quotes included; `key=` gives an empty value. When a section
 * appears twice, the first one wins: libpq stops reading at its end.
 */
export function parsePgServiceFile(text: string): Map<string, PgServiceSection> {
  const sections = new Map<string, PgServiceSection>();
  // Lines of a section that is a repeat of an earlier one, or of a broken header, belong to nothing.
  let current: PgServiceSection | undefined;
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      const name = end === -1 ? undefined : line.slice(1, end);
      if (name === undefined || sections.has(name)) {
        current = undefined;
      } else {
        current = { name, line: lineNumber, params: {}, lines: {} };
        sections.set(name, current);
      }
      continue;
    }
    if (current === undefined || current.syntaxError !== undefined) continue;
    const equals = line.indexOf('=');
    const key = equals === -1 ? line : line.slice(0, equals).trim();
    if (equals === -1 || key === '') {
      current.syntaxError = { line: lineNumber, message: `syntax error: expected key=value, got ${JSON.stringify(line)}` };
      continue;
    }
    if (key === 'service') {
      current.syntaxError = { line: lineNumber, message: 'nested service specifications are not supported' };
      continue;
    }
    if (!(key in current.params)) {
      current.params[key] = line.slice(equals + 1).trim();
      current.lines[key] = lineNumber;
    }
  }
  return sections;
}

export interface PgServiceLookupOptions {
  /** For PGSERVICEFILE and PGSYSCONFDIR; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Where ~/.pg_service.conf lives; the current user's home when absent. */
  home?: string;
  /**
   * Where libpq looks for pg_service.conf when PGSYSCONFDIR is unset: the
   * first that holds the file is used. Default: Debian's libpq location
   * (/etc/postgresql-common), then /etc.
   */
  systemDirs?: readonly string[];
}

export const DEFAULT_SYSTEM_DIRS: readonly string[] = ['/etc/postgresql-common', '/etc'];

/** A service file libpq would consult, and whether it is there. */
export interface SearchedServiceFile {
  file: string;
  exists: boolean;
}

/** The outcome of looking a service up, with every file looked at (for messages). */
export type PgServiceLookup =
  | { status: 'found'; name: string; file: string; section: PgServiceSection; searched: SearchedServiceFile[] }
  | { status: 'not-found'; name: string; searched: SearchedServiceFile[] }
  /** The file holding the service cannot be read, or its section is one libpq refuses. */
  | { status: 'invalid'; name: string; file: string; message: string; searched: SearchedServiceFile[] };

/**
 * The service files in libpq's order: $PGSERVICEFILE, or ~/.pg_service.conf
 * when it is unset; then $PGSYSCONFDIR/pg_service.conf, or when that is unset
 * the first existing pg_service.conf in `systemDirs`. An empty variable counts
 * as unset. A file that does not exist is skipped, as libpq does.
 */
export async function pgServiceFiles(options: PgServiceLookupOptions = {}): Promise<SearchedServiceFile[]> {
  const env = options.env ?? process.env;
  const userFile = nonEmpty(env['PGSERVICEFILE']) ?? path.join(options.home ?? os.homedir(), '.pg_service.conf');
  // As libpq: anything at the path counts as the file, and reading it must then succeed.
  const files: SearchedServiceFile[] = [{ file: userFile, exists: await pathExists(userFile) }];
  const sysconfDir = nonEmpty(env['PGSYSCONFDIR']);
  const systemFiles = (sysconfDir === undefined ? (options.systemDirs ?? DEFAULT_SYSTEM_DIRS) : [sysconfDir]).map((dir) =>
    path.join(dir, 'pg_service.conf'),
  );
  const systemChecks = await Promise.all(systemFiles.map(async (file) => ({ file, exists: await pathExists(file) })));
  const systemFile = systemChecks.find((candidate) => candidate.exists);
  // None there: all of them were looked at, and a message should name them all.
  files.push(...(systemFile === undefined ? systemChecks : [systemFile]));
  return files;
}

/** Looks one service up as libpq does: the first service file that has its section wins. */
export async function findPgService(name: string, options: PgServiceLookupOptions = {}): Promise<PgServiceLookup> {
  return (await findPgServices([name], options)).get(name) as PgServiceLookup;
}

/** Looks several services up, reading each service file once. */
export async function findPgServices(names: Iterable<string>, options: PgServiceLookupOptions = {}): Promise<Map<string, PgServiceLookup>> {
  const wanted = [...new Set(names)];
  const found = new Map<string, PgServiceLookup>();
  if (wanted.length === 0) return found;
  const searched = await pgServiceFiles(options);
  const contents = new Map<string, Promise<Map<string, PgServiceSection> | Error>>();
  const read = (file: string) => {
    let content = contents.get(file);
    if (content === undefined) {
      content = readFile(file, 'utf8').then(parsePgServiceFile, (error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      contents.set(file, content);
    }
    return content;
  };
  for (const name of wanted) found.set(name, await lookUp(name, searched, read));
  return found;
}

async function lookUp(
  name: string,
  searched: SearchedServiceFile[],
  read: (file: string) => Promise<Map<string, PgServiceSection> | Error>,
): Promise<PgServiceLookup> {
  for (const { file, exists } of searched) {
    if (!exists) continue;
    const sections = await read(file);
    // libpq fails the connection on a service file that exists but cannot be read.
    if (sections instanceof Error) return { status: 'invalid', name, file, message: `cannot read service file ${file}: ${readFailure(sections)}`, searched };
    const section = sections.get(name);
    if (section === undefined) continue;
    if (section.syntaxError !== undefined) {
      const message = `service file ${file}:${section.syntaxError.line}: ${section.syntaxError.message} (in service "${name}")`;
      return { status: 'invalid', name, file, message, searched };
    }
    return { status: 'found', name, file, section, searched };
  }
  return { status: 'not-found', name, searched };
}

/** `service "x" not found in A, B (no file at C)`: where a DBA would have to add it. */
export function serviceNotFoundMessage(name: string, searched: readonly SearchedServiceFile[]): string {
  const read = searched.filter((file) => file.exists).map((file) => file.file);
  const missing = searched.filter((file) => !file.exists).map((file) => file.file);
  if (read.length === 0 && missing.length === 0) return `service "${name}" not found (no service file was searched)`;
  if (read.length === 0) return `service "${name}" not found: no service file at ${missing.join(', ')}`;
  return `service "${name}" not found in ${read.join(', ')}${missing.length === 0 ? '' : ` (no file at ${missing.join(', ')})`}`;
}

function readFailure(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error.message;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

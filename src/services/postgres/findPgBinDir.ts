import { execa } from 'execa';
import { access, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

/** The server programs the sandbox and the runbooks need. */
export const SERVER_PROGRAMS = ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup', 'pg_controldata'] as const;

export interface PgBinDirSources {
  /** --pg-bin */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  /** Where distributions install versioned server binaries (Debian/Ubuntu layout). */
  versionedRoot?: string;
}

export class PgBinariesNotFoundError extends Error {
  constructor(tried: string[]) {
    super(
      `PostgreSQL server binaries (${SERVER_PROGRAMS.join(', ')}) not found.\n` +
        `Looked in: ${tried.length ? tried.join(', ') : '(nowhere)'}.\n` +
        `Install them, e.g. Debian/Ubuntu: apt-get install postgresql; ` +
        `RHEL/Fedora: dnf install postgresql-server; macOS: brew install postgresql; ` +
        `or point pgcockpit at them with --pg-bin DIR or PG_BINDIR=DIR.`,
    );
    this.name = 'PgBinariesNotFoundError';
  }
}

/**
 * Finds a directory holding the PostgreSQL server programs, in this order:
 * --pg-bin, $PG_BINDIR, `pg_config --bindir`, the newest /usr/lib/postgresql/N/bin.
 * An explicit choice that lacks the programs is an error, not a fallback.
 */
export async function findPgBinDir(sources: PgBinDirSources = {}): Promise<string> {
  const env = sources.env ?? process.env;
  const tried: string[] = [];
  const explicit = sources.explicit ?? env.PG_BINDIR;
  if (explicit) {
    if (await hasServerPrograms(explicit)) return explicit;
    throw new PgBinariesNotFoundError([`${explicit} (${sources.explicit ? '--pg-bin' : 'PG_BINDIR'})`]);
  }
  const candidates: string[] = [];
  const fromPgConfig = await execa('pg_config', ['--bindir'], { reject: false }).catch(() => undefined);
  if (fromPgConfig?.exitCode === 0 && fromPgConfig.stdout.trim()) candidates.push(fromPgConfig.stdout.trim());
  candidates.push(...(await versionedBinDirs(sources.versionedRoot ?? '/usr/lib/postgresql')));
  for (const candidate of candidates) {
    tried.push(candidate);
    if (await hasServerPrograms(candidate)) return candidate;
  }
  throw new PgBinariesNotFoundError(tried);
}

async function versionedBinDirs(root: string): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  return entries
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

async function hasServerPrograms(dir: string): Promise<boolean> {
  for (const program of SERVER_PROGRAMS) {
    try {
      await access(path.join(dir, program), constants.X_OK);
    } catch {
      return false;
    }
  }
  return true;
}

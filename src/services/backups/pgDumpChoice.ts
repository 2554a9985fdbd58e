/**
 * Which pg_dump takes a backup. pg_dump refuses a server newer than itself
 * ("aborting because of server version mismatch"), and a newer pg_dump reads
 * every older server it supports, so the binary's major version must be ≥
 * the server's; of those the closest major is taken (the dump is then
 * readable by the most pg_restore versions).
 */

/** A pg_dump found where the dump runs (the jump host, or backups.host's host), with what `pg_dump --version` said. */
export interface PgDumpCandidate {
  path: string;
  /** "pg_dump (PostgreSQL) 17.2", as it printed it (first line). */
  version: string;
  major: number;
  /** Where it was found: the node's pgBinDir, a Debian-style /usr/lib/postgresql/N/bin, or PATH. */
  foundIn: 'pgBinDir' | 'installed' | 'PATH';
}

/** The first line of `pg_dump --version` and its major version ("pg_dump (PostgreSQL) 9.6.24" → 9, "17.2" → 17); undefined when it says something else. */
export function parsePgDumpVersion(output: string): { version: string; major: number } | undefined {
  const line = output.split('\n')[0]?.trim() ?? '';
  const match = /^pg_dump \(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(line);
  if (!match) return undefined;
  const first = Number(match[1]);
  // Before 10 the major version was two numbers (9.6).
  return { version: line, major: first >= 10 ? first : first + Number(match[2] ?? 0) / 10 };
}

export type PgDumpChoice = { chosen: PgDumpCandidate; reason: string } | { chosen?: undefined; reason: string; install: string };

/** The package that installs a pg_dump of this major version, as Debian/Ubuntu (PGDG) and RHEL (PGDG) name it. */
export function pgDumpPackage(major: number): string {
  return `postgresql-client-${major} (apt, PGDG) or postgresql${major} (dnf, PGDG)`;
}

/**
 * The pg_dump for a server of `serverMajor` among the candidates (in the
 * order looked at: the node's pgBinDir, /usr/lib/postgresql/N/bin, PATH):
 * the lowest major ≥ the server's, the first found of it; none: what to install.
 */
export function choosePgDump(candidates: readonly PgDumpCandidate[], serverMajor: number, where = 'this machine'): PgDumpChoice {
  const fitting = candidates.filter((candidate) => candidate.major >= serverMajor);
  const seen = candidates.map((candidate) => `${candidate.path} (${candidate.major})`).join(', ');
  if (fitting.length === 0) {
    return {
      reason: candidates.length === 0 ? `no pg_dump on ${where} (looked in the node's pgBinDir, /usr/lib/postgresql/*/bin and PATH)` : `none is ≥ the server's major version ${serverMajor}: ${seen}`,
      install: pgDumpPackage(serverMajor),
    };
  }
  const lowest = Math.min(...fitting.map((candidate) => candidate.major));
  const chosen = fitting.find((candidate) => candidate.major === lowest)!;
  const others = candidates.filter((candidate) => candidate !== chosen);
  return {
    chosen,
    reason: `${chosen.path}: ${chosen.version} (${chosen.foundIn}) for a PostgreSQL ${serverMajor} server${others.length > 0 ? `; also found: ${others.map((candidate) => `${candidate.path} (${candidate.major})`).join(', ')}` : ''}`,
  };
}

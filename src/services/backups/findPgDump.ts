import { execa } from 'execa';
import { access, constants, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { PgDumpCandidate } from './pgDumpChoice.js';
import { parsePgDumpVersion } from './pgDumpChoice.js';

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The pg_dump files to ask, in order: the node's pgBinDir, /usr/lib/postgresql/<N>/bin (newest first), each PATH directory. */
async function candidatePaths(pgBinDir: string | undefined, searchPath: string): Promise<Array<{ path: string; foundIn: PgDumpCandidate['foundIn'] }>> {
  const found: Array<{ path: string; foundIn: PgDumpCandidate['foundIn'] }> = [];
  if (pgBinDir) found.push({ path: path.join(pgBinDir, 'pg_dump'), foundIn: 'pgBinDir' });
  const installed = (await readdir('/usr/lib/postgresql').catch(() => [] as string[])).filter((name) => /^\d+(\.\d+)?$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of installed) found.push({ path: path.join('/usr/lib/postgresql', version, 'bin', 'pg_dump'), foundIn: 'installed' });
  for (const dir of searchPath.split(':').filter((entry) => entry !== '')) found.push({ path: path.join(dir, 'pg_dump'), foundIn: 'PATH' });
  return found;
}

/**
 * Every pg_dump on this machine (the jump host) that runs, with its version:
 * each candidate is asked `pg_dump --version` (nothing connects). The same
 * file found twice (a PATH entry that is a pgBinDir) is listed once.
 */
export async function findPgDumps(pgBinDir: string | undefined, searchPath = process.env.PATH ?? ''): Promise<PgDumpCandidate[]> {
  const candidates: PgDumpCandidate[] = [];
  const seen = new Set<string>();
  for (const candidate of await candidatePaths(pgBinDir, searchPath)) {
    if (seen.has(candidate.path) || !(await executable(candidate.path))) continue;
    seen.add(candidate.path);
    const result = await execa(candidate.path, ['--version'], { reject: false, timeout: 10_000, env: { LC_MESSAGES: 'C' } });
    const parsed = result.exitCode === 0 ? parsePgDumpVersion(String(result.stdout)) : undefined;
    if (parsed) candidates.push({ path: candidate.path, ...parsed, foundIn: candidate.foundIn });
  }
  return candidates;
}

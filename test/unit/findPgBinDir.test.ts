import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findPgBinDir, PgBinariesNotFoundError, SERVER_PROGRAMS } from '../../src/services/postgres/findPgBinDir.js';

/*
 * findPgBinDir runs `pg_config --bindir` through execa with the process environment: its `env` source
 * only feeds PG_BINDIR, so nothing it accepts keeps a pg_config installed on this machine out of the
 * lookup. The tests of the pg_config / versioned-root steps therefore point PATH (vi.stubEnv) at a
 * directory that holds no pg_config, or a fake one written here.
 */

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgcockpit-pgbin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

function freshDir(name: string): string {
  const dir = path.join(tmp, `${++counter}`, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A directory with an executable file for each of `programs`. */
function fakeBinDir(dir: string, programs: readonly string[] = SERVER_PROGRAMS, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const file = path.join(dir, program);
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, mode);
  }
  return dir;
}

/** A PATH directory whose only program is a pg_config printing `bindir` (none at all when undefined). */
function pathWithPgConfig(bindir?: string): string {
  const dir = freshDir('path');
  if (bindir !== undefined) {
    writeFileSync(path.join(dir, 'pg_config'), `#!/bin/sh\n[ "$1" = --bindir ] && printf '%s\\n' '${bindir}'\n`);
    chmodSync(path.join(dir, 'pg_config'), 0o755);
  }
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PgBinariesNotFoundError);
  return error as Error;
}

describe('findPgBinDir with an explicit directory (--pg-bin or PG_BINDIR)', () => {
  it('accepts a directory holding every server program as an executable', async () => {
    const dir = fakeBinDir(freshDir('bin'));
    await expect(findPgBinDir({ explicit: dir, env: {} })).resolves.toBe(dir);
  });

  it('throws PgBinariesNotFoundError naming the directory and how to install PostgreSQL when the programs are missing', async () => {
    const dir = freshDir('empty bin');
    const error = await rejection(findPgBinDir({ explicit: dir, env: {} }));
    expect(error.name).toBe('PgBinariesNotFoundError');
    expect(error.message).toContain(`${dir} (--pg-bin)`);
    expect(error.message).toContain('apt-get install postgresql');
    for (const program of SERVER_PROGRAMS) expect(error.message).toContain(program);
  });

  it.each(SERVER_PROGRAMS)('rejects a directory that lacks only %s', async (missing) => {
    const dir = fakeBinDir(
      freshDir('bin'),
      SERVER_PROGRAMS.filter((program) => program !== missing),
    );
    await rejection(findPgBinDir({ explicit: dir, env: {} }));
  });

  it('rejects programs that are not executable', async () => {
    const dir = fakeBinDir(freshDir('bin'), SERVER_PROGRAMS, 0o644);
    await rejection(findPgBinDir({ explicit: dir, env: {} }));
  });

  it('rejects a directory that does not exist', async () => {
    const error = await rejection(findPgBinDir({ explicit: path.join(tmp, 'no', 'such', 'dir'), env: {} }));
    expect(error.message).toContain(path.join(tmp, 'no', 'such', 'dir'));
  });

  it('takes PG_BINDIR from the given env, and names it in the error', async () => {
    const good = fakeBinDir(freshDir('bin'));
    await expect(findPgBinDir({ env: { PG_BINDIR: good } })).resolves.toBe(good);
    const bad = freshDir('bad');
    const error = await rejection(findPgBinDir({ env: { PG_BINDIR: bad } }));
    expect(error.message).toContain(`${bad} (PG_BINDIR)`);
  });

  it('prefers --pg-bin over PG_BINDIR', async () => {
    const flag = fakeBinDir(freshDir('flag'));
    const env = fakeBinDir(freshDir('env'));
    await expect(findPgBinDir({ explicit: flag, env: { PG_BINDIR: env } })).resolves.toBe(flag);
  });

  it('does not fall back to other places when the explicit directory is incomplete', async () => {
    const root = freshDir('versions');
    fakeBinDir(path.join(root, '15', 'bin'));
    await rejection(findPgBinDir({ explicit: freshDir('empty'), env: {}, versionedRoot: root }));
  });
});

describe('findPgBinDir without an explicit directory', () => {
  beforeEach(() => {
    // No pg_config on PATH unless a test puts a fake one there.
    vi.stubEnv('PATH', pathWithPgConfig());
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('picks the newest complete versioned bin directory (15 over 12)', async () => {
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '12', 'bin'));
    fakeBinDir(path.join(root, '15', 'bin'));
    await expect(findPgBinDir({ env: {}, versionedRoot: root })).resolves.toBe(path.join(root, '15', 'bin'));
  });

  it('orders versions as numbers (10 is newer than 9.6) and skips an incomplete newer one', async () => {
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '9.6', 'bin'));
    fakeBinDir(path.join(root, '10', 'bin'));
    fakeBinDir(path.join(root, '17', 'bin'), ['pg_config', 'psql']);
    await expect(findPgBinDir({ env: {}, versionedRoot: root })).resolves.toBe(path.join(root, '10', 'bin'));
  });

  it('ignores entries that are not version numbers', async () => {
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '12', 'bin'));
    fakeBinDir(path.join(root, '99-custom', 'bin'));
    fakeBinDir(path.join(root, 'common', 'bin'));
    await expect(findPgBinDir({ env: {}, versionedRoot: root })).resolves.toBe(path.join(root, '12', 'bin'));
  });

  it('lists every directory it tried when none is complete', async () => {
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '14', 'bin'), ['initdb']);
    mkdirSync(path.join(root, '16', 'bin'), { recursive: true });
    const error = await rejection(findPgBinDir({ env: {}, versionedRoot: root }));
    expect(error.message).toContain(`Looked in: ${path.join(root, '16', 'bin')}, ${path.join(root, '14', 'bin')}.`);
  });

  it('says it looked nowhere when there is no pg_config and no versioned root', async () => {
    const error = await rejection(findPgBinDir({ env: {}, versionedRoot: path.join(tmp, 'missing-root') }));
    expect(error.message).toContain('Looked in: (nowhere).');
    expect(error.message).toContain('apt-get install postgresql');
  });

  // These two run a fake pg_config (a two-line shell script) written into a temporary PATH.
  it("takes pg_config --bindir first, when that directory is complete", async () => {
    const fromPgConfig = fakeBinDir(freshDir('pgconfig-bin'));
    vi.stubEnv('PATH', pathWithPgConfig(fromPgConfig));
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '15', 'bin'));
    await expect(findPgBinDir({ env: {}, versionedRoot: root })).resolves.toBe(fromPgConfig);
  });

  it("falls back to the versioned directories when pg_config's bindir is incomplete, and lists it as tried", async () => {
    const incomplete = freshDir('client-only');
    vi.stubEnv('PATH', pathWithPgConfig(incomplete));
    const root = freshDir('postgresql');
    fakeBinDir(path.join(root, '15', 'bin'));
    await expect(findPgBinDir({ env: {}, versionedRoot: root })).resolves.toBe(path.join(root, '15', 'bin'));

    const error = await rejection(findPgBinDir({ env: {}, versionedRoot: path.join(tmp, 'missing-root') }));
    expect(error.message).toContain(`Looked in: ${incomplete}.`);
  });
});

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import { backupPaths, listBackups, writeBackupEntry } from '../../src/services/backups/backupCatalog.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import { parsePgDumpListing } from '../../src/services/backups/findPgDumpOnHost.js';
import { localCatalogStore } from '../../src/services/backups/localCatalogStore.js';
import { parseChecksum, parseDirFacts, parseEntryFiles, runnerCatalogStore, runnerHostCommand } from '../../src/services/backups/runnerCatalogStore.js';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import { currentOsUser } from '../../src/services/os/osUser.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { onlyProblem } from '../config/configProblems.js';
import { dedent } from '../config/dedent.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the runner catalog store reads what its shell commands print', () => {
  it('entry files: each path, then its text in base64 lines, or "!" and the path of one it could not read', () => {
    const json = `{\n  "id": "shop-1",\n  "note": "${'x'.repeat(100)}"\n}\n`;
    const base64 = Buffer.from(json).toString('base64').match(/.{1,76}/g)!;
    const stdout = ['@/b/demo/shop/1.dump.json', ...base64, '!/b/demo/a\tb/2.dump.json', '@/b/demo/crm/3.dump.json', ''].join('\n');
    expect(base64.length).toBeGreaterThan(1);
    expect(parseEntryFiles(stdout, 'postgres')).toEqual([
      { file: '/b/demo/shop/1.dump.json', text: json },
      { file: '/b/demo/a\tb/2.dump.json', problem: 'cannot be read by postgres' },
      { file: '/b/demo/crm/3.dump.json', text: '' },
    ]);
  });

  it('checksums: a file is its own sha256; a directory is the sha256 of its "sha256  name" lines sorted by name, as on this machine', () => {
    const [a, b] = [sha('a'), sha('b')];
    expect(parseChecksum(`file\n12\t${a}\t/b/x.dump`)).toEqual({ sha256: a, sizeBytes: 12 });
    const directory = parseChecksum(`directory\n5\t${b}\ttoc.dat\n7\t${a}\t3001.dat.gz\n`);
    expect(directory).toEqual({ sha256: sha(`${a}  3001.dat.gz\n${b}  toc.dat\n`), sizeBytes: 12 });
    expect(() => parseChecksum(`file\nnot a size\t${a}\tx`)).toThrow(/unexpected checksum line/);
    expect(() => parseChecksum('')).toThrow(/unexpected checksum output/);
  });

  it('the backups directory: missing parts, not a directory, writable or not, free space', () => {
    expect(parseDirFacts('/b', 'none', 'postgres')).toEqual({ dir: '/b', exists: false, writable: false, problem: 'no part of the path exists' });
    expect(parseDirFacts('/b/x', 'notdir\t/b', 'postgres')).toEqual({ dir: '/b/x', exists: false, writable: false, problem: '/b is not a directory' });
    expect(parseDirFacts('/srv/dumps', '/srv\tno\tyes\t100 4096\n', 'postgres')).toEqual({ dir: '/srv/dumps', exists: false, writable: true, freeBytes: 409600 });
    expect(parseDirFacts('/srv/dumps', '/srv/dumps\tyes\tno\t\n', 'postgres')).toEqual({ dir: '/srv/dumps', exists: true, writable: false, problem: '/srv/dumps is not writable by postgres' });
    expect(() => parseDirFacts('/b', 'what', 'postgres')).toThrow(/unexpected answer about \/b/);
  });

  it('pg_dumps: in the order looked at, each file once, only those that say they are pg_dump', () => {
    const stdout = [
      'pgBinDir\t/usr/lib/postgresql/17/bin/pg_dump\tpg_dump (PostgreSQL) 17.2',
      'installed\t/usr/lib/postgresql/17/bin/pg_dump\tpg_dump (PostgreSQL) 17.2',
      'installed\t/usr/lib/postgresql/9.6/bin/pg_dump\tpg_dump (PostgreSQL) 9.6.24',
      'PATH\t/usr/bin/pg_dump\t',
      'PATH\t/usr/local/bin//pg_dump\tpg_dump (PostgreSQL) 18beta1',
    ].join('\n');
    expect(parsePgDumpListing(stdout)).toEqual([
      { path: '/usr/lib/postgresql/17/bin/pg_dump', version: 'pg_dump (PostgreSQL) 17.2', major: 17, foundIn: 'pgBinDir' },
      { path: '/usr/lib/postgresql/9.6/bin/pg_dump', version: 'pg_dump (PostgreSQL) 9.6.24', major: 9.6, foundIn: 'installed' },
      { path: '/usr/local/bin/pg_dump', version: 'pg_dump (PostgreSQL) 18beta1', major: 18, foundIn: 'PATH' },
    ]);
  });
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function entryFor(dir: string, at: Date, tables = 0): BackupEntry {
  const paths = backupPaths(dir, 'demo', 'shop', 'custom', at);
  return {
    id: paths.id,
    kind: 'pg_dump',
    path: paths.path,
    cluster: 'demo',
    node: 'pg2',
    database: 'shop',
    format: 'custom',
    serverVersion: '17.2',
    pgDumpVersion: 'pg_dump (PostgreSQL) 17.2',
    startedAt: at.toISOString(),
    status: 'complete',
    tables: Array.from({ length: tables }, (_, i) => ({ name: `public.orders_${i}_with_a_long_name`, rowEstimate: i, bytes: i * 8192 })),
    options: { tables: [] },
  };
}

/** The same operations through the runner (real sh and coreutils on this machine) and through node:fs give the same answers. */
describe('the runner catalog store on a real shell, beside the local one', () => {
  const runnerStore = () => runnerCatalogStore(runnerHostCommand(localRunner(currentOsUser())), 'the test host', currentOsUser().name);

  it('writes entries through stdin (one larger than an argument may be), lists them as the local store does, skipping .base', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-store-'));
    dirs.push(dir);
    const store = runnerStore();
    const big = entryFor(dir, new Date('2026-11-30T10:00:00Z'), 3000);
    const small = entryFor(dir, new Date('2026-11-30T11:00:00Z'));
    await store.makeDir(path.dirname(big.path));
    expect((await stat(path.dirname(big.path))).mode & 0o777).toBe(0o750);
    await writeBackupEntry(big, store);
    await writeBackupEntry(small, store);
    expect((await readFile(`${big.path}.json`, 'utf8')).length).toBeGreaterThan(200_000);
    expect((await stat(`${big.path}.json`)).mode & 0o777).toBe(0o640);
    await mkdir(path.join(dir, 'demo', '.base', 'x'), { recursive: true });
    await writeFile(path.join(dir, 'demo', '.base', 'x', 'base.json'), '{}');
    await writeFile(path.join(dir, 'demo', 'shop', 'broken.json'), '{');
    const remote = await listBackups(dir, 'demo', store);
    const local = await listBackups(dir, 'demo', localCatalogStore());
    expect(remote).toEqual(local);
    expect(remote.entries.map((entry) => entry.id)).toEqual([small.id, big.id]);
    expect(remote.entries[1]?.tables).toHaveLength(3000);
    expect(remote.problems).toEqual([expect.stringMatching(/broken\.json: /)]);
    expect(await listBackups(path.join(dir, 'missing'), 'demo', store)).toEqual({ entries: [], problems: [] });
  });

  it('checksums a file and a directory dump as dumpChecksum does; renames a directory whole; tails; removes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-store-'));
    dirs.push(dir);
    const store = runnerStore();
    const file = path.join(dir, 'x.dump');
    await writeFile(file, `${'a'.repeat(10_000)}\n-- PostgreSQL database dump complete\n\n`);
    expect(await store.checksum(file)).toEqual(await dumpChecksum(file));
    expect(await store.tail(file, 4096)).toContain('-- PostgreSQL database dump complete');
    const partial = path.join(dir, 'y.dir.partial');
    await mkdir(partial);
    for (const [name, text] of [['toc.dat', 'toc'], ['3001.dat.gz', 'rows'], ['b c.dat', 'spaced']]) await writeFile(path.join(partial, name!), text!);
    expect(await store.checksum(partial)).toEqual(await dumpChecksum(partial));
    await store.rename(partial, path.join(dir, 'y.dir'));
    expect(await store.checksum(path.join(dir, 'y.dir'))).toEqual(await dumpChecksum(path.join(dir, 'y.dir')));
    await expect(store.checksum(partial)).rejects.toThrow(/sha256 of .*y\.dir\.partial on the test host: .*No such file/);
    await store.remove(path.join(dir, 'y.dir'));
    await store.remove(path.join(dir, 'never there'));
    await expect(stat(path.join(dir, 'y.dir'))).rejects.toThrow();
  });

  it('says of the backups directory what the local store says', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-runner-store-'));
    dirs.push(dir);
    const store = runnerStore();
    for (const asked of [path.join(dir, 'dumps', 'deeper'), dir]) {
      const [remote, local] = await Promise.all([store.dirFacts(asked), localCatalogStore().dirFacts(asked)]);
      expect({ ...remote, freeBytes: undefined }).toEqual({ ...local, freeBytes: undefined });
      expect(Math.abs((remote.freeBytes ?? 0) - (local.freeBytes ?? 0))).toBeLessThan(64 * 1024 * 1024);
    }
    await writeFile(path.join(dir, 'file'), '');
    expect(await store.dirFacts(path.join(dir, 'file', 'dumps'))).toMatchObject({ exists: false, writable: false, problem: `${path.join(dir, 'file')} is not a directory` });
  });
});

describe('backups.host in the config', () => {
  it('must name a node', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, port: 5432, dataDir: /srv/pg1 }
          - { name: pg2, host: 127.0.0.1, port: 5433, dataDir: /srv/pg2 }
        backups:
          dir: /srv/dumps
          host: db2
      `,
      '7:9: backups.host',
    );
    expect(message).toBe('names no node: "db2" is not one of pg1, pg2');
  });

  it('wants an absolute dir there (no ~ is expanded on another host); without it, ~/ is this machine\'s', () => {
    const message = onlyProblem(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, port: 5432, dataDir: /srv/pg1 }
        backups:
          dir: dumps
          host: pg1
      `,
      '5:8: backups.dir',
    );
    expect(message).toBe('must be an absolute path on pg1\'s host, got "dumps": neither "~" nor a relative path is expanded there');
    const config = parseConfig('cluster: demo\nnodes:\n  - { name: pg1, host: 127.0.0.1, dataDir: /srv/pg1 }\nbackups: { dir: /srv/dumps, host: pg1 }\n', '/x/pgcockpit.yaml');
    expect(config.backups).toEqual({ dir: '/srv/dumps', host: 'pg1' });
  });
});

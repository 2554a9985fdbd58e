import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import { backupPaths, findBackup, isRestorable, listBackups, writeBackupEntry } from '../../src/services/backups/backupCatalog.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function entry(dir: string, database: string, at: Date, status: BackupEntry['status'] = 'complete'): BackupEntry {
  const paths = backupPaths(dir, 'demo', database, 'custom', at);
  return { id: paths.id, kind: 'pg_dump', path: paths.path, cluster: 'demo', node: 'pg2', database, format: 'custom', serverVersion: '15.18', pgDumpVersion: 'pg_dump (PostgreSQL) 15.18', startedAt: at.toISOString(), status, options: { tables: [] } };
}

describe('the backup catalog', () => {
  it('names dumps by cluster, database and UTC time, and lists the entries beside them newest first', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-catalog-'));
    dirs.push(dir);
    const paths = backupPaths(dir, 'demo', 'shop', 'custom', new Date('2026-11-30T13:45:01.5Z'));
    expect(paths).toEqual({
      id: 'shop-20261130T134501Z',
      path: path.join(dir, 'demo', 'shop', '20261130T134501Z.dump'),
      entry: path.join(dir, 'demo', 'shop', '20261130T134501Z.dump.json'),
      partial: path.join(dir, 'demo', 'shop', '20261130T134501Z.dump.partial'),
    });
    expect(backupPaths(dir, 'demo', '../etc', 'directory', new Date(0)).path).toBe(path.join(dir, 'demo', '_._etc', '19700101T000000Z.dir'));
    for (const [database, at, status] of [['shop', '2026-11-30T10:00:00Z', 'complete'], ['shop', '2026-11-30T12:00:00Z', 'failed'], ['crm', '2026-11-30T11:00:00Z', 'complete']] as const) {
      const made = entry(dir, database, new Date(at), status);
      await mkdir(path.dirname(made.path), { recursive: true });
      await writeBackupEntry(made);
    }
    await writeFile(path.join(dir, 'demo', 'shop', 'broken.json'), '{');
    const { entries, problems } = await listBackups(dir, 'demo');
    expect(entries.map((item) => [item.id, isRestorable(item)])).toEqual([
      ['shop-20261130T120000Z', false],
      ['crm-20261130T110000Z', true],
      ['shop-20261130T100000Z', true],
    ]);
    expect(problems).toEqual([expect.stringMatching(/broken\.json: /)]);
    // Written whole: no temporary file left behind.
    expect((await readdir(path.join(dir, 'demo', 'shop'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await findBackup(dir, 'demo', 'crm-20261130T110000Z')).database).toBe('crm');
    await expect(findBackup(dir, 'demo', 'nope')).rejects.toThrow(/no backup "nope" .*the newest: shop-20261130T120000Z/);
  });

  it('checksums a file, and a directory by its files in name order', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-sum-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'a.dump'), 'abc');
    expect(await dumpChecksum(path.join(dir, 'a.dump'))).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', sizeBytes: 3 });
    await mkdir(path.join(dir, 'd.dir'));
    await writeFile(path.join(dir, 'd.dir', 'toc.dat'), 'abc');
    await writeFile(path.join(dir, 'd.dir', '3001.dat.gz'), '');
    const sum = await dumpChecksum(path.join(dir, 'd.dir'));
    expect(sum.sizeBytes).toBe(3);
    await writeFile(path.join(dir, 'd.dir', '3001.dat.gz'), 'x');
    expect((await dumpChecksum(path.join(dir, 'd.dir'))).sha256).not.toBe(sum.sha256);
  });
});

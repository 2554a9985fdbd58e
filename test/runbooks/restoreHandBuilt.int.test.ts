import { execa } from 'execa';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupPaths, writeBackupEntry } from '../../src/services/backups/backupCatalog.js';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli, runCliInterrupted } from '../support/runCli.js';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { bindBackupsToStore } from '../../src/tui/bindBackupsToStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { KEY } from '../views/paneText.js';
import { pgrep } from './cancelRunbook.js';
import { waitFor } from '../support/waitFor.js';

/**
 * Restore on a cluster built by hand, through the real CLI (needs `npm run
 * build`): a table with rows is dumped from the standby (pg_dump directly,
 * its catalog entry written as the backup runbook writes it), dropped, then
 * restored into a new database and, separately, as the single table into the
 * original database: the rows are identical (md5 of the table's contents).
 * Refused with nothing changed: a standby as target, a corrupted dump, a
 * table that exists already, --read-only.
 */
describe('restore on a hand-built cluster', () => {
  let cluster: HandBuiltCluster;
  let configFile: string;
  let backupsDir: string;
  let dump: BackupEntry;
  let corrupted: BackupEntry;
  let directory: BackupEntry;
  let plain: BackupEntry;
  let contents: string;
  let cockpitConfig: CockpitConfig;
  const cli = (...args: string[]) => runCli([...args, '--config', configFile], { XDG_STATE_HOME: cluster.root });
  const databases = async () => (await cluster.superQuery<{ datname: string }>('pg1', 'select datname from pg_database order by 1')).map((row) => row.datname);
  /** The table's rows as one md5, in the database named. */
  const checksum = async (database: string) =>
    (await execa(path.join(cluster.pgBinDir, 'psql'), ['-X', '-At', '-h', cluster.node('pg1').host, '-p', String(cluster.node('pg1').port), '-U', 'postgres', '-d', database, '-c', "select md5(string_agg(t::text, ',' order by id)) from t"], {
      env: { PGPASSWORD: cluster.superuserPassword },
    })).stdout.trim();

  beforeAll(async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
    await cluster.superQuery('pg1', 'create database shop');
    const shop = { ...cluster.node('pg1'), user: 'postgres', database: 'shop' };
    const run = (sql: string) => execa(path.join(cluster.pgBinDir, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-h', shop.host, '-p', String(shop.port), '-U', 'postgres', '-d', 'shop', '-c', sql], { env: { PGPASSWORD: cluster.superuserPassword } });
    await run("create table t (id int primary key, note text); insert into t select g, 'row ' || g from generate_series(1, 5000) g; analyze t");
    // Enough rows that pg_restore is still copying them when the cancel comes.
    await run("create table big (id int, filler text); insert into big select g, repeat(md5(g::text), 4) from generate_series(1, 1500000) g; analyze big");
    contents = await checksum('shop');
    // The standby has the rows too: the dump is taken there, as the runbook's scenario does.
    const pg2 = cluster.node('pg2');
    await waitFor(async () => (await cluster.superQuery<{ n: string }>('pg2', "select count(*) as n from pg_database where datname = 'shop'"))[0]?.n === '1', 'shop on pg2');

    backupsDir = path.join(cluster.root, 'backups');
    const config = parse(await readFile(cluster.configFile, 'utf8')) as Record<string, unknown>;
    configFile = path.join(cluster.root, 'pgcockpit-backups.yaml');
    await writeFile(configFile, stringify({ ...config, backups: { dir: backupsDir } }));
    cockpitConfig = { ...cluster.config, backups: { dir: backupsDir } };
    const at = new Date('2026-11-30T13:45:01Z');
    const paths = backupPaths(backupsDir, cluster.config.cluster, 'shop', 'custom', at);
    await mkdir(path.dirname(paths.path), { recursive: true });
    await waitFor(async () => {
      const rows = await execa(path.join(cluster.pgBinDir, 'psql'), ['-X', '-At', '-h', pg2.host, '-p', String(pg2.port), '-U', 'postgres', '-d', 'shop', '-c', "select (select count(*) from t) || '/' || (select count(*) from big)"], { env: { PGPASSWORD: cluster.superuserPassword }, reject: false });
      return rows.stdout.trim() === '5000/1500000';
    }, 'the rows on pg2', 60_000);
    await execa(path.join(cluster.pgBinDir, 'pg_dump'), ['-Fc', '-h', pg2.host, '-p', String(pg2.port), '-U', 'postgres', '-d', 'shop', '-f', paths.path], { env: { PGPASSWORD: cluster.superuserPassword } });
    const sum = await dumpChecksum(paths.path);
    dump = {
      id: paths.id,
      kind: 'pg_dump',
      path: paths.path,
      cluster: cluster.config.cluster,
      node: 'pg2',
      database: 'shop',
      format: 'custom',
      serverVersion: '15',
      pgDumpVersion: 'pg_dump (PostgreSQL) 15',
      startedAt: at.toISOString(),
      finishedAt: new Date(at.getTime() + 2000).toISOString(),
      sizeBytes: sum.sizeBytes,
      sha256: sum.sha256,
      tables: [
        { name: 'public.t', rowEstimate: 5000, bytes: 262144 },
        { name: 'public.big', rowEstimate: 1500000, bytes: 250_000_000 },
      ],
      status: 'complete',
      options: { tables: [] },
    };
    await writeBackupEntry(dump);
    // The same dump, one byte changed after its checksum was taken.
    const later = backupPaths(backupsDir, cluster.config.cluster, 'shop', 'custom', new Date('2026-11-30T14:00:00Z'));
    await copyFile(paths.path, later.path);
    const bytes = await readFile(later.path);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await writeFile(later.path, bytes);
    corrupted = { ...dump, id: later.id, path: later.path, startedAt: '2026-11-30T14:00:00.000Z', finishedAt: '2026-11-30T14:00:02.000Z' };
    await writeBackupEntry(corrupted);
    // The same database in the directory format, dumped with -j 2 (one file a table).
    const dirPaths = backupPaths(backupsDir, cluster.config.cluster, 'shop', 'directory', new Date('2026-11-30T13:30:00Z'));
    await execa(path.join(cluster.pgBinDir, 'pg_dump'), ['-Fd', '-j', '2', '-h', pg2.host, '-p', String(pg2.port), '-U', 'postgres', '-d', 'shop', '-f', dirPaths.path], { env: { PGPASSWORD: cluster.superuserPassword } });
    const dirSum = await dumpChecksum(dirPaths.path);
    directory = { ...dump, id: dirPaths.id, path: dirPaths.path, format: 'directory', startedAt: '2026-11-30T13:30:00.000Z', finishedAt: '2026-11-30T13:30:03.000Z', sha256: dirSum.sha256, sizeBytes: dirSum.sizeBytes, options: { tables: [], jobs: 2 } };
    await writeBackupEntry(directory);
    // And as plain SQL, which psql runs.
    const plainPaths = backupPaths(backupsDir, cluster.config.cluster, 'shop', 'plain', new Date('2026-11-30T13:15:00Z'));
    await execa(path.join(cluster.pgBinDir, 'pg_dump'), ['-Fp', '-h', pg2.host, '-p', String(pg2.port), '-U', 'postgres', '-d', 'shop', '-t', 't', '-f', plainPaths.path], { env: { PGPASSWORD: cluster.superuserPassword } });
    const plainSum = await dumpChecksum(plainPaths.path);
    plain = { ...dump, id: plainPaths.id, path: plainPaths.path, format: 'plain', startedAt: '2026-11-30T13:15:00.000Z', finishedAt: '2026-11-30T13:15:01.000Z', sha256: plainSum.sha256, sizeBytes: plainSum.sizeBytes, tables: [dump.tables![0]!], options: { tables: ['t'] } };
    await writeBackupEntry(plain);
    await run('drop table t');
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('backups lists the catalog newest first; --json gives the entries; --verify passes the good dump and fails the changed one', async () => {
    const listed = await cli('backups');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WHEN\s+AGE\s+DATABASE\s+NODE\s+FORMAT\s+SIZE\s+TOOK\s+VERIFIED$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([corrupted.id, dump.id, directory.id, plain.id]);
    expect(lines[2]).toMatch(/shop\s+pg2\s+custom\s+\d+(\.\d)? [kM]B\s+2 s/);
    const json = await cli('backups', '--json');
    expect((JSON.parse(json.stdout) as BackupEntry[]).map((entry) => entry.id)).toEqual([corrupted.id, dump.id, directory.id, plain.id]);
    const good = await cli('backups', '--verify', dump.id);
    expect(good.exitCode, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^✓ .*sha256 [0-9a-f]{64} as in the catalog; pg_restore --list read \d+ objects/);
    expect((await cli('backups')).stdout).toMatch(new RegExp(`${dump.id} .* 2 s +✓`));
    const bad = await cli('backups', '--verify', corrupted.id);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('sha256 differs');
  });

  it('refuses a corrupted dump, a standby target and --read-only, changing nothing', async () => {
    const before = await databases();
    const changed = await cli('restore', corrupted.id, '--to', 'pg1', '--yes');
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toMatch(/refused, nothing was changed: the dump is whole.*sha256 differs/);
    const standby = await cli('restore', dump.id, '--to', 'pg2', '--yes');
    expect(standby.exitCode).toBe(2);
    expect(standby.stderr).toContain('pg2 is a standby (in recovery): it cannot be written to');
    const readOnly = await runCli(['--read-only', 'restore', dump.id, '--to', 'pg1', '--yes', '--config', configFile], { XDG_STATE_HOME: cluster.root });
    expect(readOnly.exitCode).not.toBe(0);
    expect(readOnly.stdout + readOnly.stderr).toMatch(/read-only/);
    expect(await databases()).toEqual(before);
  });

  it('restores into a new database with pg_restore: the rows are identical, counted beside the estimate', async () => {
    const plan = await cli('restore', dump.id, '--to', 'pg1', '--dry-run');
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/pg_restore: a custom-format dump has a table of contents/);
    expect(plan.stdout).not.toMatch(/pg_dump -/);
    const restored = await cli('restore', dump.id, '--to', 'pg1', '--yes');
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    const database = /is restored into (shop_restored_\d{8}_\d{6}) on pg1/.exec(restored.stdout)?.[1];
    expect(database, restored.stdout).toBeDefined();
    expect(await checksum(database!)).toBe(contents);
    expect(restored.stdout).toMatch(/public\.t\s+5000 rows\s+\(estimate 5000\)/);
    expect(restored.stdout + restored.stderr).not.toContain(cluster.superuserPassword);
  });

  it('a directory-format dump round-trips with pg_restore -j 2', async () => {
    const restored = await cli('restore', directory.id, '--to', 'pg1', '--db', 'shop_from_directory', '--jobs', '2', '--yes');
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/pg_restore --verbose --exit-on-error -j 2 .*-d shop_from_directory/);
    expect(await checksum('shop_from_directory')).toBe(contents);
  });

  it('a plain dump is run by psql, in one transaction', async () => {
    const restored = await cli('restore', plain.id, '--to', 'pg1', '--db', 'shop_from_plain', '--yes');
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/psql: a plain dump is an SQL script/);
    expect(restored.stdout).toMatch(/psql -X -q -v ON_ERROR_STOP=1 --single-transaction .*-d shop_from_plain -f /);
    expect(await checksum('shop_from_plain')).toBe(contents);
  });

  it('from the picker: B, the dump picked, r, a database named, the plan confirmed by typing its name: the rows are identical', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ config: cockpitConfig, columns: 120, rows: 40 });
    const stopOperations = bindOperationsToStore(store, cockpitConfig, { audit: new AuditJournal({ file: path.join(cluster.root, 'picker-audit.jsonl') }) });
    const stopBackups = bindBackupsToStore(store, cockpitConfig);
    try {
      await press('B');
      await waitForFrame(plainFrame, (text) => text.includes('Backups (4), newest first'));
      // The newest is the corrupted copy; the next is the good custom dump.
      await press(KEY.down, 'r');
      await waitForFrame(plainFrame, (text) => text.includes('▸ restore on: ‹ primary ›'));
      await press(KEY.tab);
      stdin.write('shop_from_picker');
      await press(KEY.enter);
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the restore plan', 30_000);
      expect(store.getState().operation?.plan?.blocked, JSON.stringify(store.getState().operation?.plan?.blockedReasons)).toBe(false);
      await waitForFrame(plainFrame, (text) => text.includes('type shop_from_picker to restore into it'));
      stdin.write('shop_from_picker');
      await press(KEY.enter);
      await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the restore to end', 60_000, 50);
      const log = store.getState().log.map((line) => line.text).join('\n');
      expect(store.getState().operation?.phase, log).toBe('done');
      expect(log).toMatch(/public\.t\s+5000 rows\s+\(estimate 5000\)/);
      expect(await checksum('shop_from_picker')).toBe(contents);
    } finally {
      await stopOperations();
      await stopBackups();
      cleanupCockpits();
    }
  });

  it('a cancel (SIGINT) during pg_restore stops it and drops the new database it made: nothing else changed', async () => {
    const before = await databases();
    const run = await runCliInterrupted(['restore', dump.id, '--to', 'pg1', '--yes', '--config', configFile], { XDG_STATE_HOME: cluster.root }, /processing data for table "public\.big"/, 'SIGINT');
    expect(run.signalled).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    expect(run.stderr).toMatch(/restore cancelled by SIGINT at step 3\/4 \(restore .*\); undone: step 3 \(restore .*\), step 2 \(create the new database shop_restored_\d{8}_\d{6} on pg1\); state left: nothing is left changed/);
    expect(run.stdout).toMatch(/undo 1\/1 ✓ drop the new database shop_restored_\d{8}_\d{6} \(created by this restore: nothing is lost\)/);
    expect(await databases()).toEqual(before);
    expect(await pgrep(`pg_restore .*${dump.path}`)).toEqual([]);
  });

  it('restores the single table into the original database, and refuses to overwrite it once it is there', async () => {
    const restored = await cli('restore', dump.id, '--to', 'pg1', '--db', 'shop', '--table', 't', '--yes');
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(await checksum('shop')).toBe(contents);
    const again = await cli('restore', dump.id, '--to', 'pg1', '--db', 'shop', '--table', 't', '--yes');
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('shop has public.t already: the restore would not overwrite them');
    expect(await checksum('shop')).toBe(contents);
  });

  it('replacing a database: refused with only --yes (its name must be typed); typed in the picker, the old one is renamed aside, kept', async () => {
    const before = await databases();
    const unconfirmed = await cli('restore', dump.id, '--to', 'pg1', '--db', 'shop', '--replace', '--yes');
    expect(unconfirmed.exitCode).toBe(1);
    expect(unconfirmed.stderr).toContain('must be confirmed by typing "shop" on a terminal; --yes is not enough. Nothing was changed');
    expect(await databases()).toEqual(before);

    const { store, press, plainFrame, stdin } = renderCockpit({ config: cockpitConfig, columns: 120, rows: 40 });
    const stopOperations = bindOperationsToStore(store, cockpitConfig, { audit: new AuditJournal({ file: path.join(cluster.root, 'picker-audit.jsonl') }) });
    const stopBackups = bindBackupsToStore(store, cockpitConfig);
    try {
      await press('B');
      await waitForFrame(plainFrame, (text) => text.includes('Backups (4), newest first'));
      await press(KEY.down, 'r');
      await waitForFrame(plainFrame, (text) => text.includes('▸ restore on: ‹ primary ›'));
      await press(KEY.tab);
      stdin.write('shop');
      await press(KEY.tab, KEY.tab, KEY.space);
      await waitForFrame(plainFrame, (text) => text.includes('replace: [x]'));
      await press(KEY.enter);
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the replace plan', 30_000);
      expect(store.getState().operation?.plan?.blockedReasons).toEqual([]);
      await waitForFrame(plainFrame, (text) => text.includes('type shop to restore into it'));
      stdin.write('shop');
      await press(KEY.enter);
      await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the restore to end', 60_000, 50);
      const log = store.getState().log.map((line) => line.text).join('\n');
      expect(store.getState().operation?.phase, log).toBe('done');
      const aside = (await databases()).filter((name) => /^shop_replaced_\d{8}_\d{6}$/.test(name));
      expect(aside).toHaveLength(1);
      expect(await checksum('shop')).toBe(contents);
      // The database replaced is kept, whole: it had the table restored earlier.
      expect(await checksum(aside[0]!)).toBe(contents);
    } finally {
      await stopOperations();
      await stopBackups();
      cleanupCockpits();
    }
  });
});

import { execa } from 'execa';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBaseBackups } from '../../src/services/backups/baseBackupCatalog.js';
import { catalogDir } from '../../src/services/backups/catalogDir.js';
import { freePort } from '../../src/services/os/freePort.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The runbook's PITR scenario on the sandbox through the real command line
 * (needs `npm run build`), as a DBA would go: `pgcockpit basebackup --node
 * pg1 --yes`, a table made, rows, T noted, more rows, DROP TABLE, the WAL
 * switched and archived; `pgcockpit pitr --backup auto --target-time T
 * --yes`: the copy has exactly the rows committed before T, production
 * still has no table and its standby streams; the copy is listed by
 * `pgcockpit cleanup` and, once stopped, removed by it. Then from the plain
 * backup named, promoted, with --copy-back: the rows are back in production.
 */
describe('pgcockpit pitr on the sandbox', () => {
  let cluster: TestCluster;
  let target: string;
  let copyDir: string | undefined;
  let plainId: string;
  let tarId: string;
  const stopped: string[] = [];
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root });
  const psql = async (port: number, sql: string): Promise<string[]> => {
    const node = cluster.node('pg1');
    const run = await execa(path.join(cluster.pgBinDir, 'psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', node.user ?? 'postgres', '-d', node.database ?? 'postgres', '-c', sql], {
      env: { PGPASSFILE: cluster.layout.passfile },
      reject: false,
    });
    if (run.exitCode !== 0) throw new Error(`psql on port ${port}: ${String(run.stderr)}`);
    return String(run.stdout).split('\n').filter((line) => line !== '');
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const pg1 = () => cluster.node('pg1').port;

  beforeAll(async () => {
    cluster = await startTestCluster(2);
    const taken = await cli('basebackup', '--node', 'pg1', '--yes');
    expect(taken.exitCode, taken.stdout + taken.stderr).toBe(0);
    // A tar one after it (another second: the ids are UTC seconds): --backup auto takes the newer, unpacked with tar -xf.
    await sleep(1100);
    const tar = await cli('basebackup', '--node', 'pg1', '--format', 'tar', '--yes');
    expect(tar.exitCode, tar.stdout + tar.stderr).toBe(0);
    const listing = await listBaseBackups(localRunner(cluster.osUser), catalogDir(cluster.config), cluster.config.cluster);
    expect(listing.entries.map((entry) => entry.format).sort()).toEqual(['plain', 'tar']);
    plainId = listing.entries.find((entry) => entry.format === 'plain')!.id;
    tarId = listing.entries.find((entry) => entry.format === 'tar')!.id;
    await sleep(1100);
    await psql(pg1(), 'create table lost (id int primary key, note text)');
    await psql(pg1(), "insert into lost select g, 'before T' from generate_series(1, 4) g");
    await sleep(1100);
    [target] = (await psql(pg1(), "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) as [string];
    await sleep(1100);
    await psql(pg1(), "insert into lost select g, 'after T' from generate_series(5, 9) g");
    await psql(pg1(), 'drop table lost');
    const [switched] = await psql(pg1(), 'select pg_walfile_name(pg_switch_wal())');
    await waitFor(async () => (await psql(pg1(), "select coalesce(last_archived_wal, '') from pg_stat_archiver"))[0]! >= switched!, `${switched} archived`, 60_000);
  }, 240_000);

  afterAll(async () => {
    for (const dir of stopped) await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    if (copyDir) await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', copyDir, '-m', 'immediate', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, reject: false });
    await cluster?.destroy();
  });

  it('recovers to T side by side, production untouched; cleanup lists the copy and removes it once stopped', async () => {
    const run = await cli('pitr', '--backup', 'auto', '--target-time', target, '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`pitr: recover ${tarId} to`);
    expect(run.stdout).toMatch(/tar -xf \S+\/base\.tar\* -C /);
    const done = /recovered side by side in (\S+), port (\d+): paused at the target/.exec(run.stdout);
    expect(done, run.stdout).not.toBeNull();
    copyDir = done![1]!;
    const port = Number(done![2]);
    expect(run.stdout).toMatch(/recovery stopping before commit of transaction \d+/);
    expect(run.stdout).toContain(`psql -h 127.0.0.1 -p ${port}`);

    expect(await psql(port, "select string_agg(id || ':' || note, ',' order by id) from lost")).toEqual(['1:before T,2:before T,3:before T,4:before T']);
    expect(await psql(pg1(), "select count(*) from pg_class where relname = 'lost'")).toEqual(['0']);
    expect(await psql(pg1(), 'select pg_is_in_recovery()')).toEqual(['f']);
    expect(await psql(pg1(), "select count(*) from pg_stat_replication where state = 'streaming'")).toEqual(['1']);

    const listed = await cli('cleanup');
    expect(listed.stdout).toMatch(new RegExp(`recovered copy\\s+${copyDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const running = await cli('cleanup', '--remove', copyDir, '--yes');
    expect(running.exitCode).not.toBe(0);
    expect(running.stdout + running.stderr).toMatch(/a server runs on .*stop it first/);
    expect(await psql(port, 'select count(*) from lost')).toEqual(['4']);
    await execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', copyDir, '-m', 'fast', '-w', 'stop'], { uid: cluster.osUser.uid, gid: cluster.osUser.gid });
    const removed = await cli('cleanup', '--remove', copyDir, '--yes');
    expect(removed.exitCode, removed.stdout + removed.stderr).toBe(0);
    expect(await access(copyDir).then(() => true, () => false)).toBe(false);
    copyDir = undefined;
  }, 240_000);

  it('from the plain base backup named, into a directory and port chosen, promoted, copied back: the same rows, writable, and back in production', async () => {
    const dir = path.join(cluster.layout.root, 'recovered-plain');
    const port = await freePort();
    const run = await cli('pitr', '--backup', plainId, '--target-time', target, '--action', 'promote', '--restore-to', dir, '--port', String(port), '--copy-back', 'lost', '--yes');
    stopped.push(dir);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`recovered side by side in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, port ${port}: promoted`));
    expect(run.stdout).toContain(`then rm -rf ${dir}`);
    expect(await psql(port, 'select count(*) from lost')).toEqual(['4']);
    expect(await psql(port, 'select pg_is_in_recovery()')).toEqual(['f']);
    // --copy-back: the table as it was at T is back in production.
    expect(run.stdout).toContain('lost is restored on pg1');
    expect(await psql(pg1(), "select string_agg(id || ':' || note, ',' order by id) from lost")).toEqual(['1:before T,2:before T,3:before T,4:before T']);
  }, 240_000);
});

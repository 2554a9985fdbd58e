import { readFile, stat } from 'node:fs/promises';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRestorable } from '../../src/services/backups/backupCatalog.js';
import { readDatabaseChoices } from '../../src/services/runbooks/backup/prepareBackup.js';
import { nodePassword } from '../../src/services/postgres/nodePassword.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { pgrep } from './cancelRunbook.js';
import type { BackupTestCluster } from './backupCli.js';
import { catalog, catalogFiles, cliFor, expectCompleteDump, interruptedBackup, makeShop, query } from './backupCli.js';
import { waitFor } from '../support/waitFor.js';

/**
 * `pgcockpit backup` on the sandbox, through the real CLI (needs `npm run
 * build`): a custom-format dump from the standby, a directory-format one
 * with 2 jobs, --read-only refused, and a SIGINT during the dump that leaves
 * nothing the catalog calls complete.
 */
describe('backup on the sandbox', () => {
  let sandbox: TestCluster;
  let cluster: BackupTestCluster;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    sandbox = await startTestCluster(2);
    cluster = {
      configFile: sandbox.layout.configFile,
      stateHome: sandbox.layout.root,
      backupsDir: sandbox.config.backups!.dir,
      clusterName: sandbox.config.cluster,
      pgBinDir: sandbox.pgBinDir,
      node: sandbox.node,
      client: async (name, database) => {
        const node = sandbox.node(name);
        const lookup = await nodePassword(node, sandbox.config.passfile);
        const client = new pg.Client({ host: node.host, port: node.port, user: node.user, database, ...(lookup.found ? { password: lookup.password } : {}) });
        await client.connect();
        return client;
      },
    };
    cli = cliFor(cluster);
    await makeShop(cluster, 'pg2');
  });
  afterAll(async () => {
    await sandbox?.destroy();
  });

  it('dumps shop from the standby: the plan names the pg_dump, the entry is complete with a checksum that matches, pg_restore reads it', async () => {
    const dry = await cli('backup', '--node', 'pg2', '--db', 'shop', '--dry-run');
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('backup shop from pg2');
    expect(dry.stdout).toMatch(/a pg_dump ≥ \d+ on this machine.*pg_dump \(PostgreSQL\) \d+/);
    expect(await catalog(cluster)).toEqual([]);

    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('dumping contents of table "public.orders"');
    const [entry] = await catalog(cluster);
    expect(entry).toMatchObject({ node: 'pg2', database: 'shop', format: 'custom', cluster: sandbox.config.cluster, kind: 'pg_dump' });
    expect(entry!.pgDumpVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
    expect(run.stdout).toContain(`${entry!.id} is complete`);
    await expectCompleteDump(cluster, entry!);
  });

  it("the form's database list: the node's databases, largest first, sizes beside", async () => {
    const choices = await readDatabaseChoices(sandbox.config, 'pg2');
    expect(choices[0]).toMatchObject({ value: 'shop', note: expect.stringMatching(/^\d+(\.\d)? MB$/) });
    expect(choices.map((choice) => choice.value)).toContain('postgres');
    expect(choices.map((choice) => choice.value)).not.toContain('template0');
  });

  it('directory format with --jobs 2', async () => {
    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--format', 'directory', '--jobs', '2', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const entry = (await catalog(cluster)).find((candidate) => candidate.format === 'directory')!;
    expect(entry).toMatchObject({ status: 'complete', options: { jobs: 2 } });
    expect((await stat(entry.path)).isDirectory()).toBe(true);
    await expectCompleteDump(cluster, entry);
  });

  it('plain format: SQL for psql, checksummed, no table of contents to count', async () => {
    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--format', 'plain', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const entry = (await catalog(cluster)).find((candidate) => candidate.format === 'plain')!;
    expect(entry).toMatchObject({ status: 'complete' });
    expect(entry.path).toMatch(/\.sql$/);
    expect(entry.objects).toBeUndefined();
    expect(entry.sha256).toBe((await dumpChecksum(entry.path)).sha256);
    expect(await readFile(entry.path, 'utf8')).toContain('COPY public.orders (id, note) FROM stdin;');
  });

  it('--read-only refuses before anything is written (the dump is a file written here)', async () => {
    const before = await catalogFiles(cluster, 'shop');
    const run = await cli('--read-only', 'backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/read-only/);
    expect(await catalogFiles(cluster, 'shop')).toEqual(before);
  });

  it('a SIGINT during pg_dump stops it, removes the partial dump, records the entry cancelled, never restorable', async () => {
    const before = (await catalog(cluster)).length;
    const run = await interruptedBackup(cluster, 'pg1');
    expect(run.signalled, run.stdout + run.stderr).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/cancelled at step 2\/3 \(SIGINT\)/);
    expect(await pgrep(`pg_dump -h \\S+ -p ${sandbox.node('pg1').port} `)).toEqual([]);
    const entries = await catalog(cluster);
    expect(entries).toHaveLength(before + 1);
    const cancelled = entries.find((entry) => entry.status === 'cancelled')!;
    expect(cancelled).toMatchObject({ node: 'pg1', database: 'shop' });
    expect(isRestorable(cancelled)).toBe(false);
    await expect(stat(cancelled.path)).rejects.toThrow();
    expect((await catalogFiles(cluster, 'shop')).filter((name) => name.includes('.partial'))).toEqual([]);
    expect(entries.filter(isRestorable).every((entry) => entry.status === 'complete')).toBe(true);
  });

  /** A dump on pg2 that replay cancels: with a delay shorter than deadlock_timeout as a recovery conflict, with a longer one by the deadlock check. */
  const conflictCase = (database: string, delay: string, message: RegExp) => async () => {
    // pg_dump on pg2 locks a, then waits for b, which replay holds (the primary's open LOCK); replaying a LOCK on a
    // then conflicts with pg_dump's lock, and after max_standby_streaming_delay pg2 cancels pg_dump. (The sandbox
    // runs hot_standby_feedback = on, which spares a dump the row-version conflicts, not the lock ones.)
    await query(cluster, 'pg1', 'postgres', `create database ${database}`);
    await query(cluster, 'pg1', database, 'create table a (i int); create table b (i int)');
    await query(cluster, 'pg2', 'postgres', `alter system set max_standby_streaming_delay = '${delay}'`);
    await query(cluster, 'pg2', 'postgres', 'alter system set hot_standby_feedback = off');
    await query(cluster, 'pg2', 'postgres', 'select pg_reload_conf()');
    await waitFor(async () => (await query(cluster, 'pg2', database, "select 1 from pg_class where relname = 'b'")).length === 1, 'b on pg2');
    const holder = await cluster.client('pg1', database);
    try {
      await holder.query('begin; lock table b in access exclusive mode');
      // The lock's WAL record is sent once flushed: another transaction's commit flushes it.
      await query(cluster, 'pg1', database, 'select txid_current()');
      await waitFor(
        async () => (await query(cluster, 'pg2', database, "select 1 from pg_locks where relation = 'b'::regclass and mode = 'AccessExclusiveLock' and granted")).length > 0,
        'the lock on b replayed on pg2',
      );
      const running = cli('backup', '--node', 'pg2', '--db', database, '--yes');
      await waitFor(
        async () => (await query(cluster, 'pg2', 'postgres', "select 1 from pg_stat_activity where application_name = 'pgcockpit backup' and wait_event_type = 'Lock'")).length > 0,
        'pg_dump waiting on pg2',
      );
      await query(cluster, 'pg1', database, 'begin; lock table a in access exclusive mode; commit');
      const run = await running;
      expect(run.exitCode, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`max_standby_streaming_delay = ${delay} and hot_standby_feedback = off`));
      const said = run.stdout + run.stderr;
      expect(said).toMatch(message);
      for (const remedy of ['max_standby_streaming_delay', 'hot_standby_feedback = on', 'pgcockpit backup --node pg1']) expect(said).toContain(remedy);
      const failed = (await catalog(cluster)).find((entry) => entry.database === database)!;
      expect(failed).toMatchObject({ status: 'failed', node: 'pg2' });
      expect(failed.error).toContain('recovery conflict');
      expect(isRestorable(failed)).toBe(false);
      expect(await catalogFiles(cluster, database)).toEqual([expect.stringMatching(/\.dump\.json$/)]);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end().catch(() => undefined);
      await query(cluster, 'pg2', 'postgres', 'alter system reset max_standby_streaming_delay').catch(() => undefined);
      await query(cluster, 'pg2', 'postgres', 'alter system reset hot_standby_feedback').catch(() => undefined);
      await query(cluster, 'pg2', 'postgres', 'select pg_reload_conf()').catch(() => undefined);
    }
  };

  it('a dump the standby cancels (a recovery conflict) fails naming the remedies; the entry is failed, the partial removed', conflictCase('conflict', '100ms', /conflict with recovery/));
  it('a dump the standby cancels by its deadlock check (max_standby_streaming_delay longer than deadlock_timeout) fails naming the same remedies', conflictCase('deadlock', '30s', /conflict with recovery|deadlock detected/));
});

import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isRestorable } from '../../src/services/backups/backupCatalog.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import type { BackupTestCluster } from './backupCli.js';
import { catalog, catalogFiles, cliFor, expectCompleteDump, interruptedBackup, makeShop, query } from './backupCli.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';

/**
 * `pgcockpit backup` on a cluster built by hand (scram passwords in a
 * passfile, no application_name, ports in postgresql.conf), through the real
 * CLI (needs `npm run build`): from the standby, directory format with 2
 * jobs, a SIGINT during the dump, --read-only, and a database that is not there.
 */
describe('backup on a hand-built cluster', () => {
  let hand: HandBuiltCluster;
  let cluster: BackupTestCluster;
  let cli: ReturnType<typeof cliFor>;
  const secrets = () => [hand.replicationPassword, hand.superuserPassword, hand.monitorPassword];

  beforeAll(async () => {
    hand = await startHandBuiltCluster({ standbys: 1 });
    // The DBA's config plus a backups directory on this machine (created by the first backup).
    const backupsDir = path.join(hand.root, 'dumps');
    const configFile = path.join(hand.root, 'with-backups.yaml');
    const config = parse(await readFile(hand.configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, stringify({ ...config, backups: { dir: backupsDir } }));
    cluster = {
      configFile,
      stateHome: hand.root,
      backupsDir,
      clusterName: hand.config.cluster,
      pgBinDir: hand.pgBinDir,
      node: hand.node,
      client: async (name, database) => {
        const node = hand.node(name);
        const client = new pg.Client({ host: node.host, port: node.port, user: 'postgres', password: hand.superuserPassword, database });
        await client.connect();
        return client;
      },
    };
    cli = cliFor(cluster);
    await makeShop(cluster, 'pg2');
  });
  afterAll(async () => {
    await hand?.destroy();
  });

  it('dumps shop from the standby (--node standby: the caught-up one) into a new backups directory: complete, the checksum matches, pg_restore reads it, no password anywhere', async () => {
    const run = await cli('backup', '--node', 'standby', '--db', 'shop', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    for (const secret of secrets()) expect(run.stdout + run.stderr).not.toContain(secret);
    const [entry] = await catalog(cluster);
    expect(entry).toMatchObject({ node: 'pg2', database: 'shop', format: 'custom', status: 'complete' });
    expect(entry!.serverVersion).toMatch(/^\d+\.\d+/);
    await expectCompleteDump(cluster, entry!);
    // The dump holds the standby's rows.
    expect(Number((await query(cluster, 'pg2', 'shop', 'select count(*) as n from orders'))[0]?.n)).toBe(20000);
  });

  it('directory format with --jobs 2, one table named', async () => {
    await query(cluster, 'pg1', 'shop', 'create table notes (t text)');
    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--format', 'directory', '--jobs', '2', '--table', 'public.orders', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const entry = (await catalog(cluster)).find((candidate) => candidate.format === 'directory')!;
    expect(entry).toMatchObject({ status: 'complete', options: { jobs: 2, tables: ['public.orders'] } });
    expect(entry.tables?.map((table) => table.name)).toEqual(['public.orders']);
    expect((await stat(entry.path)).isDirectory()).toBe(true);
    const list = await expectCompleteDump(cluster, entry);
    expect(list).not.toMatch(/TABLE public notes/);
  });

  it('refuses a database that is not there, naming the ones there are; --read-only refuses; nothing is written', async () => {
    const before = await catalogFiles(cluster, 'shop');
    const missing = await cli('backup', '--node', 'pg2', '--db', 'shpo', '--yes');
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout + missing.stderr).toMatch(/no such database; there are: postgres \S+ \S+, shop/);
    const readOnly = await cli('--read-only', 'backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(readOnly.exitCode).not.toBe(0);
    expect(readOnly.stdout + readOnly.stderr).toMatch(/read-only/);
    expect(await catalogFiles(cluster, 'shop')).toEqual(before);
    await expect(stat(path.join(cluster.backupsDir, cluster.clusterName, 'shpo'))).rejects.toThrow();
  });

  it('a SIGINT while pg_dump on the standby waits (a lock replayed from the primary) leaves only a cancelled entry', async () => {
    const run = await interruptedBackup(cluster, 'pg2');
    expect(run.signalled, run.stdout + run.stderr).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    const entries = await catalog(cluster);
    const cancelled = entries.find((entry) => entry.status === 'cancelled')!;
    expect(cancelled).toMatchObject({ node: 'pg2' });
    expect(isRestorable(cancelled)).toBe(false);
    await expect(stat(cancelled.path)).rejects.toThrow();
    expect((await catalogFiles(cluster, 'shop')).filter((name) => name.includes('.partial'))).toEqual([]);
  });
});

describe('backup with a monitoring role that may not read the tables', () => {
  let hand: HandBuiltCluster;

  beforeAll(async () => {
    hand = await startHandBuiltCluster({ standbys: 1, configUser: 'monitor' });
  });
  afterAll(async () => {
    await hand?.destroy();
  });

  it('refuses before anything is written, naming the tables and the grant', async () => {
    const backupsDir = path.join(hand.root, 'dumps');
    const configFile = path.join(hand.root, 'with-backups.yaml');
    const config = parse(await readFile(hand.configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, stringify({ ...config, backups: { dir: backupsDir } }));
    await hand.superQuery('pg1', 'create table orders (id int)');
    await waitFor(async () => (await hand.superQuery('pg2', "select 1 from pg_class where relname = 'orders'")).length === 1, 'orders on pg2');
    const run = await runCli(['backup', '--node', 'pg2', '--db', 'postgres', '--yes', '--config', configFile], { XDG_STATE_HOME: hand.root });
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(/monitor may read every table dumped: it may not SELECT 1 of them: public\.orders/);
    expect(run.stdout).toContain('pg_read_all_data');
    await expect(stat(backupsDir)).rejects.toThrow();
  });
});


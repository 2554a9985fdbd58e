import { execa } from 'execa';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import { listBackups } from '../../src/services/backups/backupCatalog.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import type { NodeConfig } from '../../src/services/config/schema.js';
import { runCli, runCliInterrupted } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';

/** What the backup e2e tests need of a cluster, sandbox or hand-built. */
export interface BackupTestCluster {
  configFile: string;
  /** XDG_STATE_HOME for the CLI (its audit journal). */
  stateHome: string;
  backupsDir: string;
  clusterName: string;
  pgBinDir: string;
  node(name: string): NodeConfig;
  /** A connection as a superuser to a node's database `database` (the caller ends it). */
  client(node: string, database: string): Promise<pg.Client>;
}

/** One statement (or several) on a fresh superuser connection. */
export async function query(cluster: BackupTestCluster, node: string, database: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = await cluster.client(node, database);
  try {
    return (await client.query(sql)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const cliFor = (cluster: BackupTestCluster) => (...args: string[]) => runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.stateHome });

export async function catalog(cluster: BackupTestCluster): Promise<BackupEntry[]> {
  const { entries, problems } = await listBackups(cluster.backupsDir, cluster.clusterName);
  expect(problems).toEqual([]);
  return entries;
}

/** A database `shop` with 20 000 orders, replayed on the standby. */
export async function makeShop(cluster: BackupTestCluster, standby: string): Promise<void> {
  await query(cluster, 'pg1', 'postgres', 'create database shop');
  await query(cluster, 'pg1', 'shop', "create table orders (id int primary key, note text); insert into orders select i, repeat('x', 100) from generate_series(1, 20000) i; analyze orders");
  await waitFor(async () => Number((await query(cluster, standby, 'shop', 'select count(*) as n from orders').catch(() => [{ n: 0 }]))[0]?.n) === 20000, `orders on ${standby}`);
}

/** A complete entry: its checksum and size match the dump, pg_restore reads the whole table of contents, nothing partial is left. */
export async function expectCompleteDump(cluster: BackupTestCluster, entry: BackupEntry): Promise<string> {
  expect(entry.status).toBe('complete');
  expect(entry.finishedAt).toBeDefined();
  const { sha256, sizeBytes } = await dumpChecksum(entry.path);
  expect(entry.sha256).toBe(sha256);
  expect(entry.sizeBytes).toBe(sizeBytes);
  await expect(access(`${entry.path}.partial`)).rejects.toThrow();
  const list = await execa(path.join(cluster.pgBinDir, 'pg_restore'), ['--list', entry.path], { reject: false });
  expect(list.exitCode, String(list.stderr)).toBe(0);
  expect(String(list.stdout)).toMatch(/TABLE DATA public orders/);
  expect(entry.objects).toBe(String(list.stdout).split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length);
  expect(entry.tables?.find((table) => table.name === 'public.orders')?.rowEstimate).toBe(20000);
  return String(list.stdout);
}

/**
 * A SIGINT while pg_dump waits for a lock the test holds (ACCESS EXCLUSIVE
 * on orders, in an open transaction on the primary): the dump cannot finish
 * before the signal, whatever the machine's speed.
 */
export async function interruptedBackup(cluster: BackupTestCluster, node: string) {
  const holder = await cluster.client('pg1', 'shop');
  try {
    await holder.query('begin; lock table orders in access exclusive mode');
    if (node !== 'pg1') {
      // A standby's pg_dump meets the lock only once the standby has replayed it: another commit flushes its WAL record, then wait for it there.
      await query(cluster, 'pg1', 'shop', 'select txid_current()');
      await waitFor(async () => (await query(cluster, node, 'shop', "select 1 from pg_locks where relation = 'orders'::regclass and mode = 'AccessExclusiveLock' and granted")).length > 0, `the lock replayed on ${node}`);
    }
    return await runCliInterrupted(['backup', '--node', node, '--db', 'shop', '--yes', '--config', cluster.configFile], { XDG_STATE_HOME: cluster.stateHome }, /reading user-defined tables/, 'SIGINT');
  } finally {
    await holder.query('rollback').catch(() => undefined);
    await holder.end().catch(() => undefined);
  }
}

/** Everything under the database's folder of the catalog: no partial names. */
export async function catalogFiles(cluster: BackupTestCluster, database: string): Promise<string[]> {
  return (await readdir(path.join(cluster.backupsDir, cluster.clusterName, database)).catch(() => [])).sort();
}

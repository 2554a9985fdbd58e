import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { listBackups } from '../../src/services/backups/backupCatalog.js';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import { catalogStoreFor } from '../../src/services/backups/catalogStoreFor.js';
import { verifyAndRecord } from '../../src/services/backups/verifyBackup.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { prepareBackup } from '../../src/services/runbooks/backup/prepareBackup.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { prepareRestore } from '../../src/services/runbooks/restore/prepareRestore.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindBackupsToStore } from '../../src/tui/bindBackupsToStore.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';

/** The rows of orders as one checksum: equal sums, equal rows. */
const ORDERS_SUM = "select count(*)::int as n, md5(coalesce(string_agg(id || ':' || note, ',' order by id), '')) as sum from orders";

/**
 * backups.host on a cluster built by hand: pg_dump, the catalog files, the
 * sha256, pg_restore --list and the restore's tools all run on pg2's host as
 * its OS user (postgres), once through its local runner and once over a real
 * sshd (root logging in, sudo to postgres); the jump host (root here) writes
 * nothing of the dump. Then the restored rows are compared with the table's.
 */
describe('backups.host: the dumps on a node\'s host', () => {
  let hand: HandBuiltCluster;
  let sshd: TestSshd;
  let home: string;

  beforeAll(async () => {
    [hand, sshd, home] = await Promise.all([startHandBuiltCluster({ standbys: 1 }), startSshd(), scratchHome()]);
    await hand.superQuery('pg1', 'create database shop');
    const shop = { ...hand.node('pg1'), user: 'postgres', database: 'shop' };
    const { withNodeClient } = await import('../../src/services/postgres/connectNode.js');
    await withNodeClient(shop, hand.config, async (client) => {
      await client.query("create table orders (id int primary key, note text); insert into orders select i, 'order ' || i from generate_series(1, 5000) i; analyze orders");
    });
    await waitFor(async () => (await hand.superQuery('pg2', "select 1 from pg_database where datname = 'shop'")).length === 1, 'shop on pg2');
    await waitFor(async () => (await withNodeClient({ ...hand.node('pg2'), database: 'shop' }, hand.config, async (client) => (await client.query(ORDERS_SUM)).rows[0]?.n as number).catch(() => 0)) === 5000, 'orders replayed on pg2');
  }, 180_000);
  afterAll(async () => {
    await hand?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  const rowsIn = async (database: string) => {
    const { withNodeClient } = await import('../../src/services/postgres/connectNode.js');
    return withNodeClient({ ...hand.node('pg1'), database }, hand.config, async (client) => (await client.query<{ n: number; sum: string }>(ORDERS_SUM)).rows[0]);
  };

  /** Backup from pg2 into backups.dir on pg2's host, verify, restore on pg1 into a new database; returns the entry's path. */
  async function roundTrip(config: CockpitConfig, runners: NodeRunners): Promise<string> {
    const dir = config.backups!.dir;
    const plan = await prepareBackup(config, 'pg2', { database: 'shop' }, { runners });
    const planText = formatPlan(plan);
    expect(plan.blocked, planText).toBe(false);
    expect(planText).toMatch(/a pg_dump ≥ \d+ on pg2's host/);
    expect(planText).toContain(`dump shop from pg2 with ${hand.pgBinDir}/pg_dump (custom) on pg2's host as postgres`);
    expect(planText).toContain(`${dir} is writable on pg2's host as postgres`);
    const lines: string[] = [];
    const outcome = await executePlan(plan, { config, readOnly: false, log: (text) => lines.push(text), runners });
    expect(outcome.succeeded, lines.join('\n')).toBe(true);
    for (const secret of [hand.superuserPassword, hand.replicationPassword]) expect(lines.join('\n')).not.toContain(secret);

    // The dump and its entry are in the dir on pg2's host, written by postgres; the catalog lists it complete.
    const store = catalogStoreFor(config, runners);
    const { entries, problems } = await listBackups(dir, config.cluster, store);
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry).toMatchObject({ id: plan.id, node: 'pg2', database: 'shop', format: 'custom', status: 'complete', path: plan.path });
    expect(entry.path.startsWith(`${dir}/handbuilt/shop/`)).toBe(true);
    const postgresUid = hand.osUser.uid;
    for (const file of [entry.path, `${entry.path}.json`]) expect((await fs.stat(file)).uid, file).toBe(postgresUid);
    expect(await fs.readdir(path.dirname(entry.path))).toEqual([path.basename(entry.path), `${path.basename(entry.path)}.json`]);
    expect(entry).toMatchObject(await dumpChecksum(entry.path));

    // Verify there (sha256 and pg_restore --list as postgres); the ✓ is recorded in the entry on pg2's host.
    const { verification } = await verifyAndRecord(entry, runners.forNode('pg2'), `${hand.pgBinDir}/pg_restore`, new Date(), store);
    expect(verification.reasons).toEqual([]);
    expect(verification.toc?.tablesWithData).toEqual(['public.orders']);
    expect((await listBackups(dir, config.cluster, store)).entries[0]?.verifiedAt).toBeDefined();

    // Restore on pg1 into a new database, pg_restore running on pg2's host.
    const restore = await prepareRestore(config, entry.id, { to: 'pg1' }, { runners });
    const restoreText = formatPlan(restore);
    expect(restore.blocked, restoreText).toBe(false);
    expect(restoreText).toMatch(/restore shop-\S+ into shop_restored_\S+ with pg_restore on pg2's host as postgres/);
    const restoreLines: string[] = [];
    const restored = await executePlan(restore, { config, readOnly: false, log: (text) => restoreLines.push(text), runners });
    expect(restored.succeeded, restoreLines.join('\n')).toBe(true);
    expect(await rowsIn(restore.database)).toEqual(await rowsIn('shop'));
    expect((await rowsIn(restore.database))?.n).toBe(5000);
    return entry.path;
  }

  it('through pg2\'s local runner (its OS user, not the DBA): dump, catalog, verify, restore, delete', async () => {
    const dir = path.join(hand.root, 'dumps-local-runner');
    const config: CockpitConfig = { ...hand.config, backups: { dir, host: 'pg2' } };
    const runners = createNodeRunners(config, { readOnly: false });
    try {
      const dump = await roundTrip(config, runners);
      const store = catalogStoreFor(config, runners);
      const { deleteBackup } = await import('../../src/services/backups/deleteBackup.js');
      await deleteBackup((await listBackups(dir, config.cluster, store)).entries[0]!, store);
      await expect(fs.stat(dump)).rejects.toThrow();
      expect(await listBackups(dir, config.cluster, store)).toEqual({ entries: [], problems: [] });
    } finally {
      await runners.close();
    }
  }, 180_000);

  it('the command line (dist/cli.js): backup, backups --json and --verify, restore, all on pg2\'s host', async () => {
    const dir = path.join(hand.root, 'dumps-cli');
    const configFile = path.join(hand.root, 'backups-on-pg2.yaml');
    const yaml = parse(await fs.readFile(hand.configFile, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(configFile, stringify({ ...yaml, backups: { dir, host: 'pg2' } }));
    const cli = (...args: string[]) => runCli([...args, '--config', configFile], { XDG_STATE_HOME: hand.root });
    const dry = await cli('backup', '--node', 'pg2', '--db', 'shop', '--dry-run');
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain("on pg2's host as postgres");
    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const listed = await cli('backups', '--json');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const [entry] = JSON.parse(listed.stdout) as Array<{ id: string; path: string; status: string }>;
    expect(entry).toMatchObject({ status: 'complete' });
    expect(entry!.path.startsWith(`${dir}/`)).toBe(true);
    expect((await fs.stat(entry!.path)).uid).toBe(hand.osUser.uid);
    const verified = await cli('backups', '--verify', entry!.id);
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^✓ shop-\S+: sha256 [0-9a-f]{64} as in the catalog; pg_restore --list read \d+ objects/);
    const restored = await cli('restore', entry!.id, '--to', 'pg1', '--db', 'shop_from_pg2', '--yes');
    expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toContain("with pg_restore on pg2's host as postgres");
    expect(await rowsIn('shop_from_pg2')).toEqual(await rowsIn('shop'));
  }, 180_000);

  it('over ssh (root, sudo to postgres): dump, catalog, verify, restore; the picker lists, reads the TOC, verifies and deletes there', async () => {
    const config = await overSsh(hand, sshd, home, 'dumps-over-ssh');
    const runners = createNodeRunners(config, { readOnly: false, sshEnvironment: testSshEnvironment(home) });
    try {
      const commandsBefore = sshCommands(sshd.log());
      const dump = await roundTrip(config, runners);
      // pg_dump, the catalog's file work and pg_restore went through this sshd.
      expect(sshCommands(sshd.log()) - commandsBefore, sshd.log()).toBeGreaterThan(10);

      // The B picker's loader, reaching pg2's host through the same runners.
      const store = createCockpitStore(config);
      const recorded: string[] = [];
      const stop = bindBackupsToStore(store, config, { runners, audit: { recordPlan: async (title) => void recorded.push(title) } });
      try {
        store.getState().openBackups();
        await waitFor(() => store.getState().backupEntries?.length === 1, 'the picker lists the dump');
        const [entry] = store.getState().backupEntries!;
        expect(entry?.path).toBe(dump);
        store.getState().openBackupDetail();
        await waitFor(() => store.getState().backupDetail?.toc != null, 'the table of contents');
        expect(store.getState().backupDetail?.toc?.some((item) => item.type === 'TABLE DATA' && item.name === 'orders')).toBe(true);
        store.getState().verifySelectedBackup();
        await waitFor(() => /^[✓✗]/.test(store.getState().backupNotice ?? ''), 'the verification');
        expect(store.getState().backupNotice).toMatch(/^✓ shop-\S+ verified: sha256 /);
        store.getState().backupsBack();
        store.getState().askDeleteBackup();
        store.getState().typeBackupDelete(entry!.id);
        store.getState().confirmBackupDelete();
        await waitFor(() => store.getState().backupEntries?.length === 0, 'the dump deleted');
        await expect(fs.stat(dump)).rejects.toThrow();
        await expect(fs.stat(`${dump}.json`)).rejects.toThrow();
        expect(recorded).toEqual([`delete backup ${entry!.id} of ${config.cluster}`]);
      } finally {
        await stop();
      }
    } finally {
      await runners.close();
    }
  }, 180_000);
});

describe('backups.host over ssh: a cancelled dump', () => {
  let hand: HandBuiltCluster;
  let sshd: TestSshd;
  let home: string;

  beforeAll(async () => {
    [hand, sshd, home] = await Promise.all([startHandBuiltCluster({ standbys: 1 }), startSshd(), scratchHome()]);
    await hand.superQuery('pg1', 'create table orders (id int primary key, note text)');
    await hand.superQuery('pg1', "insert into orders select i, 'order ' || i from generate_series(1, 1000) i");
  }, 180_000);
  afterAll(async () => {
    await hand?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('stops pg_dump on pg2\'s host, removes the partial dump there and records the entry cancelled: nothing restorable', async () => {
    const config = await overSsh(hand, sshd, home, 'dumps');
    const dir = config.backups!.dir;
    const runners = createNodeRunners(config, { readOnly: false, sshEnvironment: testSshEnvironment(home) });
    const { withNodeClient } = await import('../../src/services/postgres/connectNode.js');
    try {
      // pg_dump of the primary waits for the lock this transaction holds: it cannot finish before the cancel.
      await withNodeClient({ ...hand.node('pg1'), user: 'postgres' }, hand.config, async (holder) => {
        await holder.query('begin; lock table orders in access exclusive mode');
        const plan = await prepareBackup(config, 'pg1', { database: 'postgres' }, { runners });
        expect(plan.blocked, formatPlan(plan)).toBe(false);
        const cancel = new AbortController();
        const lines: string[] = [];
        const running = executePlan(plan, { config, readOnly: false, log: (text) => lines.push(text), runners, cancel: cancel.signal });
        await waitFor(async () => (await hand.superQuery('pg1', "select 1 from pg_stat_activity where application_name = 'pgcockpit backup' and wait_event_type = 'Lock'")).length > 0, 'pg_dump waiting for the lock');
        cancel.abort('SIGINT');
        const outcome = await running;
        expect(outcome.succeeded, lines.join('\n')).toBe(false);
        expect(outcome.cancelled, lines.join('\n')).toBeDefined();
        await holder.query('rollback');
        const { entries, problems } = await listBackups(dir, config.cluster, catalogStoreFor(config, runners));
        expect(problems).toEqual([]);
        expect(entries.map((entry) => entry.status)).toEqual(['cancelled']);
        await expect(fs.stat(entries[0]!.path)).rejects.toThrow();
        expect(await fs.readdir(path.dirname(entries[0]!.path))).toEqual([`${path.basename(entries[0]!.path)}.json`]);
        await waitFor(async () => (await hand.superQuery('pg1', "select 1 from pg_stat_activity where application_name = 'pgcockpit backup'")).length === 0, 'pg_dump gone');
      });
    } finally {
      await runners.close();
    }
  }, 180_000);
});

/** The cluster's config with pg2 reached over the test sshd (root, sudo to postgres) and the backups dir on its host. */
async function overSsh(hand: HandBuiltCluster, sshd: TestSshd, home: string, folder: string): Promise<CockpitConfig> {
  await fs.writeFile(testSshEnvironment(home).userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
  return {
    ...hand.config,
    nodes: hand.config.nodes.map((node) => (node.name === 'pg2' ? { ...node, ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false } } : node)),
    backups: { dir: path.join(hand.root, folder), host: 'pg2' },
  };
}

/** Commands root ran through the test sshd so far (LogLevel VERBOSE: one "Starting session: command" each). */
function sshCommands(log: string): number {
  return log.match(/Starting session: command for root from 127\.0\.0\.1/g)?.length ?? 0;
}

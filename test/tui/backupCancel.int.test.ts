import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { isRestorable, listBackups } from '../../src/services/backups/backupCatalog.js';
import { nodePassword } from '../../src/services/postgres/nodePassword.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The backup through the cockpit's glue on the sandbox: the form's database
 * list read live from the node, then the cancel the DBA asks for (Esc, y)
 * while pg_dump runs: stopped, the partial dump removed, the entry cancelled.
 */
describe('backup in the cockpit', () => {
  let cluster: TestCluster;
  let stopGlue: (() => Promise<void>) | undefined;
  const connect = async (database: string) => {
    const node = cluster.node('pg1');
    const lookup = await nodePassword(node, cluster.config.passfile);
    const client = new pg.Client({ host: node.host, port: node.port, user: node.user, database, ...(lookup.found ? { password: lookup.password } : {}) });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    cluster = await startTestCluster(2);
    await cluster.query('pg1', 'create database shop');
    const shop = await connect('shop');
    await shop.query("create table orders (id int); insert into orders select generate_series(1, 50000)");
    await shop.end();
    await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_database where datname = 'shop'")).length === 1, 'shop on pg2');
  });
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it("b's form lists pg2's databases (shop, the largest, first); a cancel while pg_dump runs leaves only a cancelled entry", async () => {
    const store = createCockpitStore(cluster.config);
    const journal = new AuditJournal({ file: path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl') });
    stopGlue = bindOperationsToStore(store, cluster.config, { audit: journal });

    store.getState().requestOperation('backup', 'pg2');
    await waitFor(() => store.getState().operation?.form?.live !== undefined || store.getState().operation?.form?.liveProblem !== undefined, 'the databases of pg2');
    const form = store.getState().operation!.form!;
    expect(form.liveProblem).toBeUndefined();
    expect(form.live?.databases?.map((choice) => choice.value)).toEqual(expect.arrayContaining(['shop', 'postgres']));
    expect(form.values.db).toBe('shop');

    // pg_dump waits for the lock the test holds on the primary (replayed on pg2), so the cancel comes while it runs.
    const holder = await connect('shop');
    try {
      await holder.query('begin; lock table orders in access exclusive mode');
      await cluster.query('pg1', 'select txid_current()');
      // pg_dump must find the lock on pg2 when it starts: wait until pg2 has replayed it (its startup process holds it).
      await waitFor(
        async () =>
          (await cluster.query('pg2', "select 1 from pg_locks where locktype = 'relation' and mode = 'AccessExclusiveLock' and database = (select oid from pg_database where datname = 'shop')")).length > 0,
        'the lock replayed on pg2',
      );
      store.getState().submitForm();
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the backup plan', 60_000);
      const planned = store.getState().operation!;
      expect(planned.plan?.blocked, planned.plan?.blockedReasons.join('\n')).toBe(false);
      store.getState().typeConfirmation(planned.plan!.confirmWord);
      store.getState().confirmOperation();
      await waitFor(() => store.getState().log.some((line) => line.text.includes('reading user-defined tables')), 'pg_dump to run', 60_000);
      store.getState().requestOperationCancel();
      await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the backup to end', 60_000);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end().catch(() => undefined);
    }
    const log = store.getState().log.map((line) => line.text).join('\n');
    expect(store.getState().operation?.phase, log).toBe('failed');
    expect(log).toContain('is recorded cancelled (not restorable)');
    const { entries } = await listBackups(cluster.config.backups!.dir, cluster.config.cluster);
    expect(entries.map((entry) => entry.status)).toEqual(['cancelled']);
    expect(entries.filter(isRestorable)).toEqual([]);
    expect(store.getState().jobs.find((job) => job.title.startsWith('pg_dump'))?.status).not.toBe('running');
  }, 120_000);
});

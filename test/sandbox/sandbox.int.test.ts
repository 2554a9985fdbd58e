import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../src/services/os/pathExists.js';
import { pgCtlIsRunning, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { ensureSandbox } from '../../src/services/sandbox/ensureSandbox.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

describe('sandbox cluster (real PostgreSQL)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('has pg1 as primary and both standbys streaming from it, each through its own slot', async () => {
    const [primary] = await cluster.query<{ in_recovery: boolean }>('pg1', 'select pg_is_in_recovery() as in_recovery');
    expect(primary?.in_recovery).toBe(false);
    for (const standby of ['pg2', 'pg3']) {
      const [row] = await cluster.query<{ in_recovery: boolean }>(standby, 'select pg_is_in_recovery() as in_recovery');
      expect(row?.in_recovery).toBe(true);
    }
    const links = await cluster.query<{ application_name: string; state: string; slot_name: string | null }>(
      'pg1',
      `select r.application_name, r.state, s.slot_name
         from pg_stat_replication r
         left join pg_replication_slots s on s.active_pid = r.pid
        order by r.application_name`,
    );
    expect(links).toEqual([
      { application_name: 'pg2', state: 'streaming', slot_name: 'slot_pg2' },
      { application_name: 'pg3', state: 'streaming', slot_name: 'slot_pg3' },
    ]);
  });

  it('replicates the sample database to the standbys', async () => {
    await cluster.query('pg1', "insert into customers (name, email) values ('replicated', 'replicated@example.com')");
    for (const standby of ['pg2', 'pg3']) {
      await waitFor(async () => {
        const rows = await cluster.query(standby, "select 1 from customers where email = 'replicated@example.com'");
        return rows.length === 1;
      }, `row replicated to ${standby}`);
    }
  });

  it('archives a switched WAL segment into the archive directory', async () => {
    await cluster.query('pg1', 'create table archive_probe as select 1 as n');
    const [row] = await cluster.query<{ walfile: string }>('pg1', 'select pg_walfile_name(pg_switch_wal()) as walfile');
    const walfile = row?.walfile ?? '';
    expect(walfile).toMatch(/^[0-9A-F]{24}$/);
    await waitFor(() => pathExists(path.join(cluster.layout.archiveDir, walfile)), `${walfile} archived`);
    const archived = await readdir(cluster.layout.archiveDir);
    expect(archived.filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('leaves every data directory owned by the server account with mode 0700, the archive 0750', async () => {
    for (const node of cluster.config.nodes) {
      const info = await stat(node.dataDir ?? '');
      expect({ node: node.name, uid: info.uid, mode: info.mode & 0o777 }).toEqual({ node: node.name, uid: cluster.osUser.uid, mode: 0o700 });
    }
    const archive = await stat(cluster.layout.archiveDir);
    expect({ uid: archive.uid, mode: archive.mode & 0o777 }).toEqual({ uid: cluster.osUser.uid, mode: 0o750 });
  });

  it('is reused by ensureSandbox, which starts a stopped node again', async () => {
    const pg3 = { pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg3').dataDir ?? '', runner: localRunner(cluster.osUser) };
    await pgCtlStop(pg3, 'fast');
    const sandbox = await ensureSandbox({ layout: cluster.layout, pgBinDir: cluster.pgBinDir, osUser: cluster.osUser });
    expect(sandbox.created).toBe(false);
    expect(sandbox.config.nodes.map((node) => node.port)).toEqual(cluster.config.nodes.map((node) => node.port));
    expect(await pgCtlIsRunning(pg3)).toBe(true);
  });

  it('refuses a node count that differs from the existing sandbox', async () => {
    await expect(
      ensureSandbox({ layout: cluster.layout, pgBinDir: cluster.pgBinDir, osUser: cluster.osUser, nodeCount: 2 }),
    ).rejects.toThrow(/has 3 nodes, not 2.*demo down/);
  });
});

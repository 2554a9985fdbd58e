import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectNode } from '../../src/services/postgres/connectNode.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { secretsInServerEnvironments } from '../support/serverProcesses.js';
import { expectStatusAlerts, statusAlerts } from '../support/statusAlerts.js';
import { waitFor } from '../support/waitFor.js';
import { waitForExit } from './writeLoad.js';

/**
 * Failover on clusters built by hand with plain PostgreSQL tools (initdb,
 * pg_basebackup -R with the password in PGPASSWORD, so primary_conninfo holds
 * it; no application_name; ports in postgresql.conf), through the real CLI
 * (needs `npm run build`). A stray PGPASSWORD in the DBA's shell must reach no
 * server, and no password may appear in any output or in the journal.
 */
describe('failover on a hand-built cluster', () => {
  const clusters: HandBuiltCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.destroy()));
  });
  const build = async (options?: Parameters<typeof startHandBuiltCluster>[0]) => {
    const cluster = await startHandBuiltCluster(options);
    clusters.push(cluster);
    return cluster;
  };
  const cli = (cluster: HandBuiltCluster, ...args: string[]) =>
    runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root, PGPASSWORD: cluster.replicationPassword });
  const one = async (cluster: HandBuiltCluster, node: string, sql: string) => Object.values((await cluster.superQuery(node, sql))[0] ?? {})[0];
  const kill = async (cluster: HandBuiltCluster, node: string) => {
    const pid = Number((await readFile(path.join(cluster.dataDir(node), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid);
  };
  const receiver = async (cluster: HandBuiltCluster, node: string) =>
    (await cluster.superQuery<{ status: string; sender_port: number; slot_name: string }>(node, 'select status, sender_port, slot_name from pg_stat_wal_receiver'))[0];
  const noSecretsAnywhere = async (cluster: HandBuiltCluster, outputs: string[]) => {
    const secrets = [cluster.replicationPassword, cluster.superuserPassword, cluster.monitorPassword];
    for (const text of outputs) for (const secret of secrets) expect(text).not.toContain(secret);
    const journal = await readFile(path.join(cluster.root, 'pgcockpit', 'audit.jsonl'), 'utf8').catch(() => '');
    for (const secret of secrets) expect(journal).not.toContain(secret);
    expect(await secretsInServerEnvironments(cluster.root, secrets)).toEqual([]);
  };

  const held: pg.Client[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((client) => client.end().catch(() => undefined)));
  });

  it('primary SIGKILLed under a write load: pg2 promoted, pg3 streams from it with its own password kept, every row pg2 had is there', async () => {
    const cluster = await build();
    await cluster.superQuery('pg1', 'create table load_rows (seq bigint primary key)');
    const writer = await connectNode({ ...cluster.node('pg1'), user: 'postgres' }, cluster.config);
    writer.on('error', () => undefined);
    let seq = 0;
    let writing = true;
    const load = (async () => {
      while (writing) {
        try {
          await writer.query('insert into load_rows values ($1)', [++seq]);
        } catch {
          return;
        }
      }
    })();
    await waitFor(() => seq > 200, '200 rows written');
    await kill(cluster, 'pg1');
    writing = false;
    await load;
    await writer.end().catch(() => undefined);
    for (const node of ['pg2', 'pg3']) await waitFor(async () => (await receiver(cluster, node))?.status !== 'streaming', `${node} no longer streaming`);
    const pg2Had = Number(await one(cluster, 'pg2', 'select count(*) from load_rows'));

    const result = await cli(cluster, 'promote', 'pg2', '--yes');
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).toMatch(/✓ pg3 can log in to pg2 for replication .*IDENTIFY_SYSTEM answered/);
    expect(result.stdout).toContain('password=********');

    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(false);
    expect(Number(await one(cluster, 'pg2', 'select count(*) from load_rows'))).toBeGreaterThanOrEqual(pg2Had);
    // pg3 streams from pg2 through its own slot, still logging in with the password pg_basebackup -R wrote.
    await waitFor(async () => (await receiver(cluster, 'pg3'))?.status === 'streaming', 'pg3 streaming');
    expect(await receiver(cluster, 'pg3')).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port, slot_name: 'slot_pg3' });
    expect(String(await one(cluster, 'pg3', "select setting from pg_settings where name = 'primary_conninfo'"))).toContain('password=');
    await cluster.superQuery('pg2', 'insert into load_rows values (-1)');
    await waitFor(async () => (await one(cluster, 'pg3', 'select count(*)::int from load_rows where seq = -1')) === 1, 'the new row on pg3');
    const slots = await cluster.superQuery<{ slot_name: string; active: boolean }>('pg2', 'select slot_name, active from pg_replication_slots order by 1');
    expect(slots).toEqual([{ slot_name: 'slot_pg3', active: true }]);
    await noSecretsAnywhere(cluster, [output]);
    // Status afterwards: pg1 down awaiting its rebuild, the runbook's archive_command warned about on the two
    // live nodes, and (what that command causes, which the plan warned of) perhaps pg2's archiver failing on a
    // segment pg1 had archived. Nothing else.
    const expected = ['archive-command-not-idempotent pg2', 'archive-command-not-idempotent pg3', 'needs-rebuild pg1', 'node-down pg1'];
    const after = await statusAlerts(cluster.configFile);
    expect(after.codes.filter((code) => code !== 'archiver-failing pg2'), after.raw.slice(0, 3000)).toEqual(expected);
    expect(result.stdout).toMatch(/! pg2's archive_command accepts a segment that is already archived/);
  }, 120_000);

  it('primary alive but full (max_connections): refused, nothing promoted; --fence stops it on its host, then promotes', async () => {
    const cluster = await build();
    // Fill every connection a non-superuser login may take; pgcockpit's config user (postgres) then gets "too many connections" too.
    for (;;) {
      try {
        const client = await connectNode({ ...cluster.node('pg1'), user: 'monitor' }, { passfile: cluster.passfile });
        client.on('error', () => undefined);
        held.push(client);
      } catch {
        break;
      }
    }
    for (;;) {
      try {
        const client = await connectNode(cluster.node('pg1'), cluster.config);
        client.on('error', () => undefined);
        held.push(client);
      } catch {
        break;
      }
    }
    const refused = await cli(cluster, 'promote', 'pg2', '--yes');
    const refusedOutput = `${refused.stdout}\n${refused.stderr}`;
    expect(refused.exitCode, refusedOutput).toBe(2);
    expect(refused.stdout).toMatch(/✗ pg1 is gone .*: pg1 is alive: its server answered pgcockpit's login with "too many connections/);
    expect(refused.stdout).toContain('--fence');
    expect(refused.stdout).toContain('REFUSED, nothing will be changed');
    // Nothing changed: pg1 still the primary (other sessions could still write there), pg2 still a standby.
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(true);
    expect(await held[0]!.query('select pg_is_in_recovery() as r').then((r) => r.rows[0]?.r)).toBe(false);

    const fenced = await cli(cluster, 'promote', 'pg2', '--yes', '--fence');
    const fencedOutput = `${fenced.stdout}\n${fenced.stderr}`;
    expect(fenced.exitCode, fencedOutput).toBe(0);
    expect(fenced.stdout).toMatch(/✓ pg1's data directory .* is pg1's: port \d+ \(postmaster\.pid\)/);
    expect(fenced.stdout).toMatch(/step 1\/\d+ on pg1: stop pg1's server \(fence\)/);
    await expect(readFile(path.join(cluster.dataDir('pg1'), 'postmaster.pid'))).rejects.toThrow();
    // Fenced with a clean stop: pg2 received its shutdown checkpoint, so pg1 may even be able to follow as it is.
    await expectStatusAlerts(cluster.configFile, [...ARCHIVE_WARNINGS_PG2_PG3, 'node-down pg1'], ['archiver-failing pg2', 'needs-rebuild pg1']);
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(false);
    await waitFor(async () => (await receiver(cluster, 'pg3'))?.sender_port === cluster.node('pg2').port, 'pg3 streaming from pg2');
    await noSecretsAnywhere(cluster, [refusedOutput, fencedOutput]);
  }, 120_000);

  it("a follower with paused replay: refused with the offer, then --resume-replay resumes it and it follows", async () => {
    const cluster = await build();
    await cluster.superQuery('pg3', 'select pg_wal_replay_pause()');
    await kill(cluster, 'pg1');
    const refused = await cli(cluster, 'promote', 'pg2', '--dry-run');
    expect(refused.exitCode, refused.stdout).toBe(2);
    expect(refused.stdout).toMatch(/✗ pg3 can follow pg2: replay is paused on pg3 .*cannot switch to the new timeline/);
    const done = await cli(cluster, 'promote', 'pg2', '--yes', '--resume-replay');
    expect(done.exitCode, `${done.stdout}\n${done.stderr}`).toBe(0);
    expect(await one(cluster, 'pg3', 'select pg_is_wal_replay_paused()')).toBe(false);
    await waitFor(async () => (await receiver(cluster, 'pg3'))?.sender_port === cluster.node('pg2').port, 'pg3 streaming from pg2');
    await expectStatusAlerts(cluster.configFile, [...ARCHIVE_WARNINGS_PG2_PG3, 'needs-rebuild pg1', 'node-down pg1'], ['archiver-failing pg2']);
  }, 120_000);

  it('a follower whose replication login fails: the plan says it will not follow and why; the step quotes its server log', async () => {
    const cluster = await build();
    // pg3's primary_conninfo holds the old password; its running WAL receiver stays connected until the failover.
    await cluster.superQuery('pg1', "alter role replication password 'changed-by-the-dba'");
    const lsn = String(await one(cluster, 'pg1', 'select pg_current_wal_lsn()::text'));
    await waitFor(async () => (await one(cluster, 'pg2', `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`)) === true, 'pg2 has the new password');
    await kill(cluster, 'pg1');
    const result = await cli(cluster, 'promote', 'pg2', '--yes');
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).toMatch(/! pg3 can log in to pg2 for replication .*password authentication failed/);
    expect(result.stdout).toMatch(/pg3 will not follow pg2: .*password authentication failed/);
    expect(result.stdout).toMatch(/pg3 is re-pointed to pg2 but does not stream .*pg3's server log says: .*FATAL: +password authentication failed/);
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(false);
    await noSecretsAnywhere(cluster, [output]);
    // What is left is what the plan said: pg3 does not stream (its password is the old one), pg1 is down.
    await expectStatusAlerts(cluster.configFile, [...ARCHIVE_WARNINGS_PG2_PG3, 'needs-rebuild pg1', 'node-down pg1', 'standby-not-streaming pg3'], ['archiver-failing pg2', 'timeline-mismatch pg3']);
  }, 120_000);

  it('a cascade (pg1 -> pg2 -> pg3): pg3 is left alone and keeps streaming from pg2 through its own slot, no inactive slot left', async () => {
    const cluster = await build({ cascade: true });
    const status = await cli(cluster, 'status');
    expect(status.stdout).not.toContain('promote');
    await kill(cluster, 'pg1');
    const result = await cli(cluster, 'promote', 'pg2', '--yes');
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).toMatch(/✓ pg3 can follow pg2: it streams from pg2 already \(a cascade\): left alone/);
    expect(result.stdout).not.toMatch(/re-point pg3/);
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(false);
    await cluster.superQuery('pg2', 'create table after_failover (id int)');
    await waitFor(async () => (await cluster.superQuery('pg3', "select 1 from pg_class where relname = 'after_failover'")).length === 1, 'pg3 follows pg2 onto the new timeline');
    expect(await receiver(cluster, 'pg3')).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port, slot_name: 'slot_pg3' });
    const slots = await cluster.superQuery<{ slot_name: string; active: boolean }>('pg2', 'select slot_name, active from pg_replication_slots order by 1');
    expect(slots).toEqual([{ slot_name: 'slot_pg3', active: true }]);
    await noSecretsAnywhere(cluster, [output]);
    await expectStatusAlerts(cluster.configFile, [...ARCHIVE_WARNINGS_PG2_PG3, 'needs-rebuild pg1', 'node-down pg1'], ['archiver-failing pg2']);
  }, 120_000);
});

/** The hand-built cluster's runbook archive_command, warned about on the two nodes left up. */
const ARCHIVE_WARNINGS_PG2_PG3 = ['archive-command-not-idempotent pg2', 'archive-command-not-idempotent pg3'];

import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { connectNode } from '../../src/services/postgres/connectNode.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { secretsInServerEnvironments } from '../support/serverProcesses.js';
import { waitFor } from '../support/waitFor.js';

/**
 * Switchover on a cluster built by hand (passwords in primary_conninfo, no
 * application_name, the runbook's archive_command), through the real CLI
 * (needs `npm run build`), with a stray PGPASSWORD in pgcockpit's environment.
 */
describe('switchover on a hand-built cluster', () => {
  const clusters: HandBuiltCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.destroy()));
  });
  const build = async () => {
    const cluster = await startHandBuiltCluster();
    clusters.push(cluster);
    return cluster;
  };
  const cli = (cluster: HandBuiltCluster, ...args: string[]) =>
    runCli([...args, '--config', cluster.configFile], { XDG_STATE_HOME: cluster.root, PGPASSWORD: cluster.replicationPassword });
  const one = async (cluster: HandBuiltCluster, node: string, sql: string) => Object.values((await cluster.superQuery(node, sql))[0] ?? {})[0];
  const streamingFrom = async (cluster: HandBuiltCluster, node: string) =>
    (
      await cluster.superQuery<{ slot_name: string }>(
        node,
        "select sl.slot_name from pg_replication_slots sl join pg_stat_replication s on s.pid = sl.active_pid where s.state = 'streaming' order by 1",
      )
    ).map((row) => row.slot_name);
  const secrets = (cluster: HandBuiltCluster) => [cluster.replicationPassword, cluster.superuserPassword, cluster.monitorPassword];
  const alerts = async (cluster: HandBuiltCluster) => {
    const status = await cli(cluster, 'status', '--json');
    const report = JSON.parse(status.stdout) as { exitCode: number; alerts: Array<{ code: string; node?: string; message: string }> };
    return { exitCode: status.exitCode, report, codes: report.alerts.map((alert) => `${alert.code}${alert.node ? ` ${alert.node}` : ''}`) };
  };
  /** The runbook's archive_command (`test ! -f && cp`): the one warning on every node, nothing else. */
  const runbookArchiveWarnings = ['archive-command-not-idempotent pg1', 'archive-command-not-idempotent pg2', 'archive-command-not-idempotent pg3'];
  const healthy = async (cluster: HandBuiltCluster, expected: string[] = []) => {
    await waitFor(async () => (await alerts(cluster)).codes.join() === expected.join(), `status alerts: ${expected.join(', ') || 'none'}`, 30_000, 500).catch(async (error: unknown) => {
      expect((await alerts(cluster)).report.alerts, String(error)).toEqual(expected);
    });
    expect((await alerts(cluster)).exitCode).toBe(expected.length > 0 ? 1 : 0);
  };

  it('under a write load: nothing acknowledged lost, everyone streams from pg2 with its own password, other slots copied; then back to pg1', async () => {
    const cluster = await build();
    await cluster.superQuery('pg1', 'create table load_rows (seq bigint primary key)');
    await cluster.superQuery('pg1', "select pg_create_physical_replication_slot('barman', true)");
    await healthy(cluster, runbookArchiveWarnings);
    const writer = await connectNode({ ...cluster.node('pg1'), user: 'postgres' }, cluster.config);
    writer.on('error', () => undefined);
    const acknowledged: number[] = [];
    let writing = true;
    const load = (async () => {
      for (let seq = 1; writing; seq++) {
        try {
          await writer.query('insert into load_rows values ($1)', [seq]);
          acknowledged.push(seq);
        } catch {
          return;
        }
      }
    })();
    await waitFor(() => acknowledged.length > 100, '100 rows acknowledged');

    const dry = await cli(cluster, 'switchover', '--to', 'pg2', '--dry-run');
    expect(dry.exitCode, dry.stdout).toBe(0);
    expect(dry.stdout).toMatch(/! pg1's slot barman \(physical, inactive\): not a standby's slot/);
    const result = await cli(cluster, 'switchover', '--to', 'pg2', '--yes', '--copy-slots', '--stream-timeout', '60');
    writing = false;
    await load;
    await writer.end().catch(() => undefined);
    const output = `${dry.stdout}\n${dry.stderr}\n${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).toContain('password=********');
    expect(result.stdout).toMatch(/✓ pg1's data directory .* is pg1's/);
    expect(result.stdout).toMatch(/✓ pg1 can log in to pg2 for replication/);
    // pg1, started again by pg_ctl at the rejoin, goes on logging into its own log_directory (its logging
    // collector's), with pg_ctl's -l beside it: not into a server.log next to its data directory.
    const startLog = path.join(cluster.logDir('pg1'), 'startup.log');
    expect(result.stdout).toContain(`✓ pg1 logs where it did once started again: pg_ctl -l ${startLog}: logging_collector is on`);
    expect(result.stdout).toContain(`-l ${startLog} -w -t 120 start`);
    expect(existsSync(path.join(path.dirname(cluster.dataDir('pg1')), 'server.log'))).toBe(false);
    const pg1Log = await logDirectoryText(cluster.logDir('pg1'));
    expect(pg1Log).toContain('entering standby mode');
    expect(pg1Log).toMatch(/started streaming WAL from primary/);

    const present = new Set((await cluster.superQuery<{ seq: string }>('pg2', 'select seq from load_rows')).map((row) => Number(row.seq)));
    expect(acknowledged.filter((seq) => !present.has(seq))).toEqual([]);
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(false);
    expect(await one(cluster, 'pg1', 'select pg_is_in_recovery()')).toBe(true);
    await waitFor(async () => (await streamingFrom(cluster, 'pg2')).join() === 'slot_pg1,slot_pg3', 'pg1 and pg3 streaming from pg2 through their slots');
    // pg3 kept the password pg_basebackup -R wrote; pg1 took pg2's (it had none of its own), written for the config parser.
    for (const node of ['pg1', 'pg3']) {
      expect(String(await one(cluster, node, "select setting from pg_settings where name = 'primary_conninfo'"))).toContain('password=');
    }
    // The other slot moved: on pg2, gone from pg1 (a standby now, where it would retain WAL).
    expect((await cluster.superQuery('pg2', "select 1 from pg_replication_slots where slot_name = 'barman'")).length).toBe(1);
    expect(await one(cluster, 'pg1', 'select count(*)::int from pg_replication_slots')).toBe(0);
    // The plan warned that pg2's archive_command would trip over WAL pg1 archived already; the exact alerts say
    // so (pg2's archiver may fail on a segment pg_basebackup copied), nothing else is wrong.
    expect(result.stdout).toMatch(/! pg2's archive_command accepts a segment that is already archived: .*refuses any segment already in the archive/);
    const after = await alerts(cluster);
    expect(after.codes.filter((code) => !runbookArchiveWarnings.includes(code) && code !== 'archiver-failing pg2'), JSON.stringify(after.report.alerts)).toEqual([]);
    // The DBA applies the plan's fix on every node; the archiver recovers and the cluster is healthy.
    const fix = /alter system set archive_command = '(.*)'; select pg_reload_conf\(\)/.exec(result.stdout)?.[1];
    expect(fix).toBeDefined();
    for (const node of ['pg1', 'pg2', 'pg3']) {
      await cluster.superQuery(node, `alter system set archive_command = '${fix!.replaceAll("'", "''")}'`);
      await cluster.superQuery(node, 'select pg_reload_conf()');
    }
    await healthy(cluster);

    const back = await cli(cluster, 'switchover', '--to', 'pg1', '--yes', '--stream-timeout', '60');
    expect(back.exitCode, `${back.stdout}\n${back.stderr}`).toBe(0);
    expect(await one(cluster, 'pg1', 'select pg_is_in_recovery()')).toBe(false);
    await waitFor(async () => (await streamingFrom(cluster, 'pg1')).join() === 'slot_pg2,slot_pg3', 'pg2 and pg3 streaming from pg1');
    await healthy(cluster);

    const journal = await readFile(path.join(cluster.root, 'pgcockpit', 'audit.jsonl'), 'utf8');
    for (const secret of secrets(cluster)) {
      expect(output).not.toContain(secret);
      expect(back.stdout).not.toContain(secret);
      expect(journal).not.toContain(secret);
    }
    expect(await secretsInServerEnvironments(cluster.root, secrets(cluster))).toEqual([]);
  }, 240_000);

  it("refuses when a node's dataDir is another node's directory, and stops nothing", async () => {
    const cluster = await build();
    const wrongConfig = path.join(cluster.root, 'wrong.yaml');
    const yaml = parse(await readFile(cluster.configFile, 'utf8')) as { nodes: Array<{ name: string; dataDir: string }> };
    yaml.nodes.find((node) => node.name === 'pg1')!.dataDir = cluster.dataDir('pg3');
    await writeFile(wrongConfig, stringify(yaml));
    const result = await runCli(['switchover', '--to', 'pg2', '--yes', '--config', wrongConfig], { XDG_STATE_HOME: cluster.root });
    expect(result.exitCode, result.stdout).toBe(2);
    expect(result.stdout).toMatch(
      new RegExp(`✗ pg1's data directory ${cluster.dataDir('pg3')} is pg1's: its port is ${cluster.node('pg3').port} \\(postmaster\\.pid\\), pg1 listens on ${cluster.node('pg1').port}`),
    );
    // pg3 still runs and streams; pg1 is still the primary.
    expect(await one(cluster, 'pg3', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one(cluster, 'pg1', 'select pg_is_in_recovery()')).toBe(false);
    expect(await streamingFrom(cluster, 'pg1')).toEqual(['slot_pg2', 'slot_pg3']);
  }, 120_000);

  it("refuses when a standby's replication login to the new primary fails, naming the server's message, and changes nothing", async () => {
    const cluster = await build();
    // The standbys' primary_conninfo still holds the old password; their running receivers stay connected.
    await cluster.superQuery('pg1', "alter role replication password 'changed-by-the-dba'");
    const lsn = String(await one(cluster, 'pg1', 'select pg_current_wal_lsn()::text'));
    await waitFor(async () => (await one(cluster, 'pg2', `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`)) === true, 'pg2 has the new password');
    const result = await cli(cluster, 'switchover', '--to', 'pg2', '--yes');
    expect(result.exitCode, result.stdout).toBe(2);
    expect(result.stdout).toMatch(/✗ pg3 can log in to pg2 for replication .*password authentication failed for user "replication"/);
    expect(result.stdout).toMatch(/✗ pg1 can log in to pg2 for replication .*password authentication failed/);
    expect(await one(cluster, 'pg1', 'select pg_is_in_recovery()')).toBe(false);
    expect(await one(cluster, 'pg2', 'select pg_is_in_recovery()')).toBe(true);
    for (const secret of secrets(cluster)) expect(result.stdout).not.toContain(secret);
  }, 120_000);
});

/** Every file of a server's log_directory, concatenated: what the DBA greps after the switchover. */
async function logDirectoryText(dir: string): Promise<string> {
  const files = (await readdir(dir)).sort();
  return (await Promise.all(files.map((file) => readFile(path.join(dir, file), 'utf8')))).join('\n');
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import type { WriteLoad } from './writeLoad.js';
import { startWriteLoad, waitForExit } from './writeLoad.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/** `pgcockpit promote` on a cluster whose primary was stopped under a write load (needs `npm run build`). */
describe('pgcockpit promote', () => {
  let cluster: TestCluster;
  let load: WriteLoad;
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root });
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    load = await startWriteLoad(cluster, 'pg1');
    await waitFor(() => load.acknowledged.length >= 100, '100 acknowledged rows', 20_000, 5);
    // SIGINT to the postmaster is pg_ctl stop -m fast: a clean shutdown that sends the standbys all WAL first.
    const pid = Number((await readFile(path.join(cluster.layout.dataDir('pg1'), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await waitForExit(pid, 30_000);
    await load.ended;
  });
  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('--dry-run prints the checks and the exact SQL, exits 0 and changes nothing', async () => {
    const conninfoBefore = await one('pg3', "select setting from pg_settings where name = 'primary_conninfo'");
    const result = await cli('promote', 'pg2', '--dry-run');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('✓ pg2 is a reachable standby');
    expect(result.stdout).toMatch(/✓ pg1 is gone \(it must not stay a primary beside the new one\): pg1 is unreachable from here .*no server running/);
    expect(result.stdout).toMatch(/✓ free max_wal_senders on pg2: \d+ free of \d+, 1 needed/);
    expect(result.stdout).toContain('select pg_promote(wait => false)');
    expect(result.stdout).toContain('checkpoint');
    expect(result.stdout).toContain("alter system set primary_slot_name = 'slot_pg3'");
    expect(result.stdout).toContain('dry run: nothing was changed');
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one('pg2', 'select count(*)::int from pg_replication_slots')).toBe(0);
    expect(await one('pg3', "select setting from pg_settings where name = 'primary_conninfo'")).toBe(conninfoBefore);
    const journal = await readFile(path.join(cluster.layout.root, 'pgcockpit', 'audit.jsonl'), 'utf8');
    expect(journal).toContain('failover: promote pg2 to primary (dry run)');
  });

  it('without --dry-run or --yes prints the plan and asks for --yes', async () => {
    const result = await cli('promote', 'pg2');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('select pg_promote(wait => false)');
    expect(result.stderr).toContain('--yes');
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
  });

  it('refuses a paused replay without --resume-replay, and anything in --read-only mode', async () => {
    await cluster.query('pg2', 'select pg_wal_replay_pause()');
    await waitFor(async () => (await one('pg2', 'select pg_get_wal_replay_pause_state()')) === 'paused', 'replay paused on pg2');

    const paused = await cli('promote', 'pg2', '--yes');
    expect(paused.exitCode).toBe(2);
    expect(paused.stdout).toMatch(/✗ WAL replay is not paused: replay is paused on pg2/);
    expect(paused.stderr).toContain('--resume-replay');

    const readOnly = await cli('--read-only', 'promote', 'pg2', '--yes', '--resume-replay');
    expect(readOnly.exitCode).toBe(1);
    expect(readOnly.stderr).toMatch(/read-only mode: refused to run .* \(it would change something\)\. Restart pgcockpit without --read-only/);

    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one('pg2', 'select pg_get_wal_replay_pause_state()')).toBe('paused');
  });

  it('--yes --resume-replay resumes, promotes pg2 and re-points pg3, streaming each step', async () => {
    const result = await cli('promote', 'pg2', '--yes', '--resume-replay', '--stream-timeout', '30');
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/step 1\/6 on pg2: resume WAL replay on pg2/);
    expect(result.stdout).toMatch(/step 6\/6 ✓ pg1 needs rebuild from pg2/);
    expect(result.stdout).toContain('pg2 is the primary on timeline 2; needs rebuild: pg1');
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(false);
    await cluster.query('pg2', 'insert into load_rows (seq) values (-1)');
    const [receiver] = await cluster.query('pg3', 'select status, sender_port from pg_stat_wal_receiver');
    expect(receiver).toEqual({ status: 'streaming', sender_port: cluster.node('pg2').port });
    // A clean stop sent everything: no acknowledged row is missing.
    const present = new Set((await cluster.query<{ seq: string }>('pg2', 'select seq from load_rows')).map((row) => Number(row.seq)));
    expect(load.acknowledged.filter((seq) => !present.has(seq))).toEqual([]);
    await expectStatusAlerts(cluster.layout.configFile, ['node-down pg1']);
  });
});

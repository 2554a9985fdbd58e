import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { statusAlerts } from '../support/statusAlerts.js';
import { waitFor } from '../support/waitFor.js';
import type { WriteLoad } from './writeLoad.js';
import { startWriteLoad } from './writeLoad.js';

/** `pgcockpit switchover --to NODE` on a real 3-node cluster under a write load (needs `npm run build`). */
describe('pgcockpit switchover', () => {
  let cluster: TestCluster;
  let load: WriteLoad;
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root });
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];
  const streamingFrom = async (node: string) =>
    (await cluster.query<{ application_name: string }>(node, "select application_name from pg_stat_replication where state = 'streaming' order by 1")).map(
      (row) => row.application_name,
    );
  /** status --json: no alert at all, exit 0 (waiting out the moment right after an operation). */
  const healthy = async () => {
    await waitFor(async () => (await statusAlerts(cluster.layout.configFile)).codes.length === 0, 'status healthy', 30_000, 500).catch(async (error: unknown) =>
      expect((await statusAlerts(cluster.layout.configFile)).codes, String(error)).toEqual([]),
    );
    expect((await statusAlerts(cluster.layout.configFile)).exitCode).toBe(0);
  };
  const unchanged = async () => {
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(false);
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one('pg2', 'select count(*)::int from pg_replication_slots')).toBe(0);
    expect(await streamingFrom('pg1')).toEqual(['pg2', 'pg3']);
  };

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    load = await startWriteLoad(cluster, 'pg1');
    await waitFor(() => load.acknowledged.length >= 100, '100 acknowledged rows', 20_000, 5);
  });
  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('--dry-run prints the checks and the exact steps (stop command, pg_controldata), exits 0 and changes nothing', async () => {
    const result = await cli('switchover', '--to', 'pg2', '--dry-run');
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    const dataDir = cluster.layout.dataDir('pg1');
    expect(result.stdout).toContain('switchover: make pg2 the primary, pg1 a standby of it');
    expect(result.stdout).toContain('✓ pg2 is a reachable standby');
    expect(result.stdout).toMatch(/✓ pg3 streams from pg1 and is caught up: streaming, /);
    expect(result.stdout).toMatch(/✓ no archive backlog on pg1: \d+ segments? waiting/);
    expect(result.stdout).toContain(`${path.join(cluster.pgBinDir, 'pg_ctl')} -D ${dataDir} -m fast -w -t 300 stop`);
    expect(result.stdout).toContain(`LC_ALL=C ${path.join(cluster.pgBinDir, 'pg_controldata')} -D ${dataDir}`);
    expect(result.stdout).toContain('select pg_promote(wait => false)');
    expect(result.stdout).toContain(`touch ${dataDir}/standby.signal`);
    expect(result.stdout).toContain("alter system set primary_slot_name = 'slot_pg3'");
    expect(result.stdout).not.toContain('password=');
    expect(result.stdout).toContain('dry run: nothing was changed');
    await unchanged();
    const journal = await readFile(path.join(cluster.layout.root, 'pgcockpit', 'audit.jsonl'), 'utf8');
    expect(journal).toContain('switchover: make pg2 the primary, pg1 a standby of it (dry run)');
  });

  it('refuses a target with paused replay that is not caught up, and anything in --read-only mode, changing nothing', async () => {
    await cluster.query('pg2', 'select pg_wal_replay_pause()');
    await waitFor(async () => (await one('pg2', 'select pg_get_wal_replay_pause_state()')) === 'paused', 'replay paused on pg2');
    await cluster.query('pg1', "create table filler as select g, repeat('x', 200) as pad from generate_series(1, 20000) g");
    const refused = await cli('switchover', '--to', 'pg2', '--yes', '--max-lag', '1');
    expect(refused.exitCode, refused.stdout).toBe(2);
    expect(refused.stdout).toMatch(/✗ WAL replay is not paused: replay is paused on pg2/);
    expect(refused.stdout).toMatch(/✗ pg2 streams from pg1 and is caught up: streaming, [\d.]+ MB behind \(at most 1(\.0)? MB\)/);
    expect(refused.stdout).toContain('REFUSED, nothing will be changed');
    expect(refused.stderr).toContain('refused, nothing was changed');
    expect(await one('pg2', 'select pg_get_wal_replay_pause_state()')).toBe('paused');
    await cluster.query('pg2', 'select pg_wal_replay_resume()');
    await waitFor(async () => (await one('pg2', 'select pg_last_wal_replay_lsn() = pg_last_wal_receive_lsn()')) === true, 'pg2 caught up');

    const readOnly = await cli('--read-only', 'switchover', '--to', 'pg2', '--yes');
    expect(readOnly.exitCode).toBe(1);
    expect(readOnly.stderr).toMatch(/read-only mode: refused to run .* \(it would change something\)\. Restart pgcockpit without --read-only/);
    await unchanged();
  });

  it('--yes switches pg2 and pg1 under a write load: no acknowledged row lost, timeline +1, pg1 and pg3 stream from pg2', async () => {
    expect(await streamingFrom('pg1')).toEqual(['pg2', 'pg3']);
    const timelineBefore = Number(await one('pg1', 'select timeline_id from pg_control_checkpoint()'));
    const acknowledgedBefore = load.acknowledged.length;
    const result = await cli('switchover', '--to', 'pg2', '--yes', '--stream-timeout', '60');
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, output).toBe(0);
    expect(result.stdout).toMatch(/step 3\/\d+ ✓ pg1 shut down cleanly at checkpoint [0-9A-F]+\/[0-9A-F]+/);
    expect(result.stdout).toMatch(/pg2 replayed up to [0-9A-F]+\/[0-9A-F]+, past pg1's shutdown checkpoint/);
    expect(result.stdout).toContain('pg2 is the primary on timeline 2; pg1 streams from it');
    expect(result.stdout).toMatch(/pg2 had received WAL up to .*, past pg1's shutdown checkpoint [0-9A-F]+\/[0-9A-F]+, its last record: nothing pg1 committed is lost/);

    // The load saw pg1 go away; every row it was told was committed is on pg2.
    expect(await load.ended).not.toBe('stopped');
    expect(load.acknowledged.length).toBeGreaterThan(acknowledgedBefore);
    const present = new Set((await cluster.query<{ seq: string }>('pg2', 'select seq from load_rows')).map((row) => Number(row.seq)));
    expect(load.acknowledged.filter((seq) => !present.has(seq))).toEqual([]);

    // Timeline up by one on the new primary, which takes writes.
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(false);
    expect(Number(await one('pg2', 'select timeline_id from pg_control_checkpoint()'))).toBe(timelineBefore + 1);
    await cluster.query('pg2', 'insert into load_rows (seq) values (-1)');

    // pg1 and pg3 stream from pg2, seen from both ends: as many streaming standbys as before.
    expect(await streamingFrom('pg2')).toEqual(['pg1', 'pg3']);
    for (const standby of ['pg1', 'pg3']) {
      expect(await one(standby, 'select pg_is_in_recovery()')).toBe(true);
      const [receiver] = await cluster.query<{ status: string; sender_port: number; slot_name: string }>(
        standby,
        'select status, sender_port, slot_name from pg_stat_wal_receiver',
      );
      expect(receiver).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port, slot_name: `slot_${standby}` });
      await waitFor(async () => (await cluster.query(standby, 'select 1 from load_rows where seq = -1')).length === 1, `the new row on ${standby}`);
    }
    // pg1's conninfo kept the passfile and holds no password; its old slots are gone.
    const [conninfo] = await cluster.query<{ setting: string }>('pg1', "select setting from pg_settings where name = 'primary_conninfo'");
    expect(conninfo?.setting).toContain(`port=${cluster.node('pg2').port}`);
    expect(conninfo?.setting).toContain('passfile=');
    expect(conninfo?.setting).not.toContain('password');
    expect(await readFile(path.join(cluster.layout.dataDir('pg1'), 'postgresql.auto.conf'), 'utf8')).not.toContain('password');
    expect(await one('pg1', 'select count(*)::int from pg_replication_slots')).toBe(0);
    const slots = (await cluster.query<{ slot_name: string }>('pg2', 'select slot_name from pg_replication_slots order by 1')).map((row) => row.slot_name);
    expect(slots).toEqual(['slot_pg1', 'slot_pg3']);

    // Healthy afterwards (the sandbox's archive_command accepts a segment archived again), and the switch back works.
    await healthy();
    await load.stop();
    const back = await cli('switchover', '--to', 'pg1', '--yes', '--stream-timeout', '60');
    expect(back.exitCode, `${back.stdout}\n${back.stderr}`).toBe(0);
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(false);
    await waitFor(async () => (await streamingFrom('pg1')).join() === 'pg2,pg3', 'pg2 and pg3 streaming from pg1 again');
    await healthy();
  }, 240_000);
});

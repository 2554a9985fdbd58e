import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLsn } from '../../src/services/postgres/lsn.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import type { WriteLoad } from './writeLoad.js';
import { killPostmaster, startWriteLoad, waitForExit } from './writeLoad.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/**
 * The target is behind a sibling when the primary dies: promoting it as it is
 * would leave the sibling past the new timeline's fork point, unable to
 * follow. The plan has the target stream the missing WAL from the sibling first.
 */
describe('failover to a standby that is behind another', () => {
  let cluster: TestCluster;
  let load: WriteLoad | undefined;
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];

  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('lets pg2 catch up from pg3, then promotes it; pg3 follows and no row pg3 had is lost', async () => {
    load = await startWriteLoad(cluster, 'pg1');
    await waitFor(() => load!.acknowledged.length >= 100, '100 acknowledged rows', 20_000, 5);
    // Cut pg2 off (its conninfo now points at a closed port, passfile and the rest kept), so pg3 gets ahead.
    const conninfo = String(await one('pg2', "select setting from pg_settings where name = 'primary_conninfo'"));
    const cutOff = conninfo.replace(/port=\d+/, 'port=1');
    await cluster.query('pg2', `alter system set primary_conninfo = '${cutOff.replaceAll("'", "''")}'`);
    await cluster.query('pg2', 'select pg_reload_conf()');
    await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0, 'pg2 cut off');
    const cutAt = load.acknowledged.length;
    await waitFor(() => load!.acknowledged.length >= cutAt + 100, '100 more rows only pg3 receives', 20_000, 5);

    const pid = await killPostmaster(cluster, 'pg1');
    await waitForExit(pid);
    await load.ended;
    await waitFor(async () => (await cluster.query('pg3', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0, 'pg3 no longer streaming');
    await waitFor(async () => (await one('pg3', 'select pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()')) === true, 'pg3 replayed all it received');
    const pg3Lsn = String(await one('pg3', 'select pg_last_wal_receive_lsn()::text'));
    const pg2Lsn = String(await one('pg2', 'select pg_last_wal_receive_lsn()::text'));
    expect(parseLsn(pg3Lsn) > parseLsn(pg2Lsn)).toBe(true);
    const onPg3 = Number(await one('pg3', 'select count(*) from load_rows'));

    const plan = await prepareFailover(cluster.config, 'pg2');
    expect(plan.blocked).toBe(false);
    expect(plan.oldPrimary).toBe('pg1');
    expect(plan.steps[0]?.description).toBe(`let pg2 catch up from pg3 (received up to ${pg3Lsn})`);
    const lines: string[] = [];
    const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, log: (text) => lines.push(text) });
    expect(outcome.succeeded, lines.join('\n')).toBe(true);

    expect(plan.run.receivedLsn).toBe(pg3Lsn);
    expect(lines.join('\n')).toContain(`pg2 had received WAL up to ${pg3Lsn}`);
    expect(Number(await one('pg2', 'select count(*) from load_rows'))).toBe(onPg3);
    await expectStatusAlerts(cluster.layout.configFile, ['needs-rebuild pg1', 'node-down pg1']);
    const [receiver] = await cluster.query('pg3', 'select status, sender_port from pg_stat_wal_receiver');
    expect(receiver).toEqual({ status: 'streaming', sender_port: cluster.node('pg2').port });
    await cluster.query('pg2', 'insert into load_rows (seq) values (-1)');
    await waitFor(async () => (await cluster.query('pg3', 'select 1 from load_rows where seq = -1')).length === 1, 'the new row on pg3');
  });
});

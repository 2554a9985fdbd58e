import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { parseLsn } from '../../src/services/postgres/lsn.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { statusAlerts } from '../support/statusAlerts.js';
import { waitFor } from '../support/waitFor.js';
import type { WriteLoad } from './writeLoad.js';
import { killPostmaster, startWriteLoad, waitForExit } from './writeLoad.js';

describe('failover with the primary killed under a write load', () => {
  let cluster: TestCluster;
  let load: WriteLoad | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('promotes pg2, re-points pg3 to it, moves to timeline 2 and loses no row pg2 had received', async () => {
    load = await startWriteLoad(cluster, 'pg1');
    await waitFor(() => load!.acknowledged.length >= 200, '200 acknowledged rows', 20_000, 5);
    const timelineBefore = (await cluster.query('pg2', 'select timeline_id from pg_control_checkpoint()'))[0]?.timeline_id;
    expect(timelineBefore).toBe(1);

    const pid = await killPostmaster(cluster, 'pg1');
    await waitForExit(pid);
    expect(await load.ended).not.toBe('stopped');
    for (const standby of ['pg2', 'pg3']) {
      await waitFor(
        async () => (await cluster.query(standby, "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0,
        `${standby} no longer streaming from the dead pg1`,
      );
    }
    const received = await Promise.all(
      ['pg2', 'pg3'].map(async (name) => (await cluster.query<{ lsn: string }>(name, 'select pg_last_wal_receive_lsn()::text as lsn'))[0]!.lsn),
    );
    const mostReceived = received.reduce((best, lsn) => (parseLsn(lsn) > parseLsn(best) ? lsn : best));
    const rowsPg2Had = await rowsReplayedOnceCut(cluster, 'pg2');

    const plan = await prepareFailover(cluster.config, 'pg2', { streamTimeoutMs: 30_000 });
    const planText = formatPlan(plan);
    expect(plan.blocked, planText).toBe(false);
    expect(planText).toContain('select pg_promote(wait => false)');
    // SIGKILLed and gone: nothing answers on its address, its host says no server runs there.
    expect(planText).toMatch(/✓ pg1 is gone \(it must not stay a primary beside the new one\): pg1 is unreachable from here .*no server running/);
    expect(plan.lastKnownPrimaryLsn).toBe(mostReceived);

    const lines: string[] = [];
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    const outcome = await executePlan(plan, {
      config: cluster.config,
      readOnly: false,
      log: (text) => lines.push(text),
      audit: new AuditJournal({ file: journalFile }),
    });
    const log = lines.join('\n');
    expect(outcome.succeeded, log).toBe(true);
    expect(log).toMatch(/step 1\/\d+ on pg2/);
    expect(plan.run.timeline).toBe(2);
    expect(plan.run.needsRebuild).toEqual(['pg1']);

    // The new primary takes writes, on timeline 2.
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
    await cluster.query('pg2', 'insert into load_rows (seq) values (-1)');
    expect((await cluster.query('pg2', 'select timeline_id from pg_control_checkpoint()'))[0]?.timeline_id).toBe(2);

    // pg3 streams from pg2, seen from both ends, through its slot.
    const [receiver] = await cluster.query<{ status: string; sender_port: number; slot_name: string }>(
      'pg3',
      'select status, sender_port, slot_name from pg_stat_wal_receiver',
    );
    expect(receiver).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port, slot_name: 'slot_pg3' });
    const replication = await cluster.query<{ application_name: string; state: string }>('pg2', 'select application_name, state from pg_stat_replication');
    expect(replication).toContainEqual({ application_name: 'pg3', state: 'streaming' });
    const slots = (await cluster.query<{ slot_name: string }>('pg2', 'select slot_name from pg_replication_slots order by 1')).map((row) => row.slot_name);
    // No slot for the dead pg1: it would retain WAL on pg2 until pg1 is rebuilt.
    expect(slots).toEqual(['slot_pg3']);
    await waitFor(async () => (await cluster.query('pg3', 'select 1 from load_rows where seq = -1')).length === 1, 'the new row on pg3');
    // The re-pointed conninfo kept pg3's passfile and names no password.
    const [conninfo] = await cluster.query<{ setting: string }>('pg3', "select setting from pg_settings where name = 'primary_conninfo'");
    expect(conninfo?.setting).toContain(`port=${cluster.node('pg2').port}`);
    expect(conninfo?.setting).toContain('passfile=');
    expect(conninfo?.setting).not.toContain('password=');

    // Every row pg2 had received before the promotion is on the new primary, the last ones included.
    const present = new Set(await loadRows(cluster, 'pg2'));
    expect(rowsPg2Had.length).toBeGreaterThan(100);
    expect(rowsPg2Had.filter((seq) => !present.has(seq))).toEqual([]);
    // The log names what pg2 had received and the old primary's last known LSN.
    expect(plan.run.receivedLsn).toBe(mostReceived);
    expect(log).toContain(`pg2 had received WAL up to ${mostReceived}`);
    expect(log).toContain(`pg1's last known LSN is ${plan.lastKnownPrimaryLsn}`);
    // The journal has the plan with its SQL.
    const journal = await readFile(journalFile, 'utf8');
    expect(journal).toContain('"kind":"plan"');
    expect(journal).toContain('select pg_promote(wait => false)');

    // The cluster afterwards, as status sees it: pg1 down, and (asked of its host) needing its rebuild.
    await waitFor(async () => (await statusAlerts(cluster.layout.configFile)).codes.join() === 'needs-rebuild pg1,node-down pg1', 'status: only pg1 down', 30_000, 500).catch(
      async (error: unknown) => expect((await statusAlerts(cluster.layout.configFile)).codes, String(error)).toEqual(['needs-rebuild pg1', 'node-down pg1']),
    );
    expect((await statusAlerts(cluster.layout.configFile)).exitCode).toBe(1);
  });
});

async function loadRows(cluster: TestCluster, node: string): Promise<number[]> {
  return (await cluster.query<{ seq: string }>(node, 'select seq from load_rows where seq > 0 order by seq')).map((row) => Number(row.seq));
}

/**
 * The rows a standby holds once its upstream is gone and it has replayed all it
 * received. Replay can stop short of the receive LSN for good when the last
 * record arrived only in part (its commit never arrived either), so "replay
 * stopped moving" also ends the wait.
 */
async function rowsReplayedOnceCut(cluster: TestCluster, node: string): Promise<number[]> {
  let lastReplay = '';
  await waitFor(
    async () => {
      const [row] = await cluster.query<{ replay: string; caught_up: boolean }>(
        node,
        'select pg_last_wal_replay_lsn()::text as replay, pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() as caught_up',
      );
      const still = row!.replay === lastReplay;
      lastReplay = row!.replay;
      return row!.caught_up || still;
    },
    `${node} to replay all it received`,
    20_000,
    500,
  );
  return loadRows(cluster, node);
}

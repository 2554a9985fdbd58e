import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterView } from '../../src/services/cluster/clusterView.js';
import type { ClusterLooks } from '../../src/services/cluster/collectClusterView.js';
import { openClusterLooks } from '../../src/services/cluster/collectClusterView.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { startLiveView } from '../support/liveView.js';
import { waitFor } from '../support/waitFor.js';

/**
 * Issue 8 item 14 on real servers: pg2 is promoted (timeline 2) and pg3
 * follows it; then pg2 stops. pg3's WAL receiver is gone and PostgreSQL's
 * own fallback, the last restartpoint's timeline, is still 1. The live view
 * must keep showing timeline 2, marked last seen, and never log "2 → 1".
 */
describe('a standby that loses its upstream after a timeline switch', () => {
  let cluster: TestCluster;
  let live: ReturnType<typeof startLiveView>;
  const pg3Timelines: number[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    live = startLiveView(cluster.config, { intervalMs: 250 });
    live.store.subscribe((state) => {
      const timeline = state.nodes.find((node) => node.name === 'pg3')?.server?.timeline;
      if (typeof timeline === 'number' && pg3Timelines.at(-1) !== timeline) pg3Timelines.push(timeline);
    });
    await live.until((state) => state.links.length === 2 && state.links.every((link) => link.receiverStreaming), 'both standbys streaming');
  });
  let looks: ClusterLooks | undefined;
  const pg3Of = (view: ClusterView) => view.nodes.find((node) => node.name === 'pg3')?.server;
  afterAll(async () => {
    await looks?.close();
    await live?.stop();
    await cluster?.destroy();
  });

  const pgCtl = (name: string, ...args: string[]) =>
    execa(path.join(cluster.pgBinDir, 'pg_ctl'), ['-D', cluster.node(name).dataDir ?? '', ...args], { uid: cluster.osUser.uid, gid: cluster.osUser.gid, cwd: '/' });
  const one = async <T>(name: string, sql: string): Promise<T> => {
    const [row] = await cluster.query<{ value: T }>(name, sql);
    return row!.value;
  };

  it('keeps timeline 2, marked last seen, where the server itself falls back to 1', async () => {
    await cluster.query('pg2', 'select pg_promote(true, 60)');
    await cluster.query('pg2', "select pg_create_physical_replication_slot('slot_pg3')");
    const conninfo = await one<string>('pg3', 'select setting as value from pg_settings where name = $$primary_conninfo$$');
    const repointed = conninfo.replace(/\bport=\d+/, `port=${cluster.node('pg2').port}`);
    await cluster.query('pg3', `alter system set primary_conninfo = ${quoteLiteral(repointed)}`);
    await cluster.query('pg3', 'select pg_reload_conf()');
    await waitFor(async () => (await one<number | null>('pg3', 'select received_tli as value from pg_stat_wal_receiver')) === 2, 'pg3 receiving timeline 2 from pg2');
    await live.until(() => live.node('pg3')?.server?.timeline === 2 && live.link('pg3')?.upstream === 'pg2', 'the view shows pg3 on timeline 2, from pg2');
    // `status --watch` keeps its connections between looks, so it remembers too.
    looks = openClusterLooks(cluster.config);
    expect(pg3Of(await looks.look())?.timeline).toBe(2);

    await pgCtl('pg2', '-m', 'fast', '-w', 'stop');
    await waitFor(async () => (await cluster.query('pg3', 'select 1 from pg_stat_wal_receiver')).length === 0, "pg3's WAL receiver gone");
    const fallback = await one<number>('pg3', 'select timeline_id as value from pg_control_checkpoint()');
    await live.until(() => live.node('pg3')?.server?.walReceiver === null && live.node('pg2')?.status === 'down', 'the view sees no receiver on pg3, pg2 down');
    // Several ticks without a receiver: the memory holds, tick after tick.
    const ticksThen = live.ticks();
    await live.until(() => live.ticks() >= ticksThen + 3, 'three more ticks');

    expect(live.node('pg3')?.server).toMatchObject({ timeline: 2, ...(fallback < 2 ? { timelineLastSeen: true } : {}) });
    expect(pg3Timelines).toEqual([1, 2]);
    expect(live.state().log.some((line) => /pg3 timeline 2 → 1/.test(line.text))).toBe(false);
    // The repro of the issue: what the server alone says is older than what it replayed.
    expect(fallback).toBe(1);
    expect(pg3Of(await looks.look())).toMatchObject({ timeline: 2, timelineLastSeen: true });
  });
});

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

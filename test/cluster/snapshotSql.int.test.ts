import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NodeSnapshot, ServerFacts } from '../../src/services/cluster/nodeSnapshot.js';
import { probeNode } from '../../src/services/cluster/probeNode.js';
import type { ServerCapabilities } from '../../src/services/cluster/serverCapabilities.js';
import { readServerCapabilities } from '../../src/services/cluster/serverCapabilities.js';
import { maskPasswordsSql, snapshotSql } from '../../src/services/cluster/snapshotSql.js';
import { connectNode } from '../../src/services/postgres/connectNode.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The one-statement poll on real servers (pg1 primary, pg2/pg3 standbys),
 * checked against independent queries. Later tests change the cluster
 * (pg3 paused then resumed, then promoted), so the order matters.
 */
describe('snapshotSql on a real 3-node cluster', () => {
  let cluster: TestCluster;
  const clients: pg.Client[] = [];
  const capabilities = new Map<pg.Client, ServerCapabilities>();

  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await cluster?.destroy();
  });

  /** A connection that stays open for the file, as the poller keeps one per node. */
  async function connect(name: string): Promise<pg.Client> {
    const client = await connectNode(cluster.node(name), cluster.config);
    clients.push(client);
    capabilities.set(client, await readServerCapabilities(client));
    return client;
  }
  const clientFor = new Map<string, Promise<pg.Client>>();
  function client(name: string): Promise<pg.Client> {
    let found = clientFor.get(name);
    if (!found) {
      found = connect(name);
      clientFor.set(name, found);
    }
    return found;
  }
  async function probe(name: string): Promise<NodeSnapshot> {
    const c = await client(name);
    return probeNode(c, cluster.node(name), capabilities.get(c)!);
  }
  async function facts(name: string): Promise<ServerFacts> {
    const snapshot = await probe(name);
    if (!snapshot.server) throw new Error(`${name}: no server facts`);
    return snapshot.server;
  }
  async function one<Row extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]): Promise<Row> {
    const [row] = await cluster.query<Row>(name, sql, params);
    if (!row) throw new Error(`${name}: no row for ${sql}`);
    return row;
  }

  it('reads what the server offers once, as the poller does after connecting: version, slot columns, pg_stat_checkpointer', async () => {
    const c = await client('pg1');
    const { num } = await one<{ num: number }>('pg1', "select current_setting('server_version_num')::int as num");
    const { columns } = await one<{ columns: string[] }>('pg1', "select array_agg(column_name::text order by ordinal_position) as columns from information_schema.columns where table_schema = 'pg_catalog' and table_name = 'pg_replication_slots'");
    const { checkpointer } = await one<{ checkpointer: boolean }>('pg1', "select exists (select from pg_views where schemaname = 'pg_catalog' and viewname = 'pg_stat_checkpointer') as checkpointer");
    const own = capabilities.get(c)!;
    expect(own.versionNum).toBe(num);
    expect([...own.slotColumns]).toEqual(columns);
    expect(own.statCheckpointer).toBe(checkpointer);
  });

  it("reads the checkpointer's counters from the view this server has", async () => {
    const snapshot = await probe('pg1');
    const own = capabilities.get(await client('pg1'))!;
    const view = own.statCheckpointer ? 'pg_stat_checkpointer' : 'pg_stat_bgwriter';
    const timedColumn = own.statCheckpointer ? 'num_timed' : 'checkpoints_timed';
    const { timed } = await one<{ timed: string }>('pg1', `select ${timedColumn}::text as timed from ${view}`);
    expect(snapshot.server?.checkpointer).toMatchObject({ view, timed: Number(timed) });
  });

  it('describes the primary: role, timeline, its own LSN, both replicas streaming, both slots held', async () => {
    const snapshot = await probe('pg1');
    const after = await one<{ in_recovery: boolean; num: number; version: string; started: number }>(
      'pg1',
      `select pg_is_in_recovery() as in_recovery, current_setting('server_version_num')::int as num,
              current_setting('server_version') as version,
              (extract(epoch from pg_postmaster_start_time()) * 1000)::float8 as started`,
    );
    expect(after.in_recovery).toBe(false);
    expect(snapshot).toMatchObject({ name: 'pg1', host: '127.0.0.1', port: cluster.node('pg1').port, status: 'up', role: 'primary' });
    const server = snapshot.server!;
    expect(server.versionNum).toBe(after.num);
    expect(after.version.startsWith(server.version)).toBe(true);
    expect(server.startedAt).toBe(after.started);
    expect(server.timeline).toBe(1);
    expect(server.currentLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const { ahead } = await one<{ ahead: number }>('pg1', 'select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 as ahead', [server.currentLsn]);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(server).toMatchObject({ receiveLsn: null, replayLsn: null, replayGapBytes: null, replayPaused: null, lastReplayedXactAt: null, walReceiver: null });

    const links = await cluster.query<{ application_name: string; state: string }>(
      'pg1',
      'select application_name, state from pg_stat_replication order by application_name',
    );
    expect(links).toEqual([
      { application_name: 'pg2', state: 'streaming' },
      { application_name: 'pg3', state: 'streaming' },
    ]);
    expect(server.replicas.map((r) => [r.applicationName, r.state, r.syncState, r.clientAddr])).toEqual([
      ['pg2', 'streaming', 'async', '127.0.0.1'],
      ['pg3', 'streaming', 'async', '127.0.0.1'],
    ]);
    for (const replica of server.replicas) {
      expect(replica.sentLagBytes).toBeGreaterThanOrEqual(0);
      // write/flush/replay stay NULL until the standby's first reply after connecting.
      for (const bytes of [replica.writeLagBytes, replica.flushLagBytes, replica.replayLagBytes]) {
        expect(bytes === null || bytes >= 0).toBe(true);
      }
    }

    const slots = await cluster.query<{ slot_name: string; active: boolean }>('pg1', 'select slot_name, active from pg_replication_slots order by slot_name');
    expect(slots).toEqual([
      { slot_name: 'slot_pg2', active: true },
      { slot_name: 'slot_pg3', active: true },
    ]);
    expect(server.slots.map((slot) => [slot.name, slot.type, slot.active])).toEqual([
      ['slot_pg2', 'physical', true],
      ['slot_pg3', 'physical', true],
    ]);
    for (const slot of server.slots) {
      expect(slot.retainedBytes).toBeGreaterThanOrEqual(0);
      expect(slot.restartLsn).toMatch(/\//);
      expect(slot.walStatus).toBe('reserved');
      // max_slot_wal_keep_size = -1: unlimited, so nothing is "left".
      expect(slot.safeWalSizeBytes).toBeNull();
    }
  });

  it('reports the archiver and the replication settings', async () => {
    const server = await facts('pg1');
    const { archive_mode } = await one<{ archive_mode: string }>('pg1', 'show archive_mode');
    expect(archive_mode).toBe('on');
    expect(server.archiver).toMatchObject({ enabled: true, failing: false, failedCount: 0, canReadStatusDir: true });
    expect(typeof server.archiver.readyCount).toBe('number');
    expect(typeof server.archiver.archivedCount).toBe('number');
    expect(server.settings).toMatchObject({
      wal_level: 'replica',
      archive_mode: 'on',
      archive_timeout: '1min',
      max_wal_senders: '10',
      max_slot_wal_keep_size: '-1',
      wal_keep_size: '0',
      wal_log_hints: 'on',
      hot_standby_feedback: 'on',
      cluster_name: 'pg1',
    });
    expect(server.settings).not.toHaveProperty('wal_keep_segments');
  });

  it('counts a switched segment in the archiver', async () => {
    await cluster.query('pg1', 'create table archive_probe as select 1 as n');
    const { walfile } = await one<{ walfile: string }>('pg1', 'select pg_walfile_name(pg_switch_wal()) as walfile');
    await waitFor(async () => (await facts('pg1')).archiver.lastArchivedWal === walfile, `${walfile} archived`);
    const archiver = (await facts('pg1')).archiver;
    expect(archiver.archivedCount).toBeGreaterThanOrEqual(1);
    expect(archiver.lastArchivedAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('describes a standby: receive/replay LSNs, its WAL receiver on pg1 through slot_pg2, no current LSN', async () => {
    const snapshot = await probe('pg2');
    const { in_recovery } = await one<{ in_recovery: boolean }>('pg2', 'select pg_is_in_recovery() as in_recovery');
    expect(in_recovery).toBe(true);
    expect(snapshot.role).toBe('standby');
    const server = snapshot.server!;
    expect(server.timeline).toBe(1);
    expect(server.currentLsn).toBeNull();
    expect(server.receiveLsn).toMatch(/\//);
    expect(server.replayLsn).toMatch(/\//);
    expect(server.replayGapBytes).toBeGreaterThanOrEqual(0);
    expect(server.replayPaused).toBe(false);
    expect(server.walReceiver).toMatchObject({
      status: 'streaming',
      senderHost: '127.0.0.1',
      senderPort: cluster.node('pg1').port,
      slotName: 'slot_pg2',
      receivedTimeline: 1,
    });
    expect(server.walReceiver?.lastMessageAt).toBeGreaterThan(Date.now() - 60_000);
    expect(server.replicas).toEqual([]);
    // archive_mode=on: the primary archives, the standby does not (only "always" would).
    expect(server.archiver.enabled).toBe(false);
    expect(server.settings).toMatchObject({ cluster_name: 'pg2', hot_standby: 'on', primary_slot_name: 'slot_pg2' });
    expect(server.settings.primary_conninfo).toContain(`port=${cluster.node('pg1').port}`);
  });

  it('shows paused replay and the gap it leaves, then the gap closing after resume', async () => {
    await cluster.query('pg3', 'select pg_wal_replay_pause()');
    await waitFor(async () => (await facts('pg3')).replayPaused === true, 'pg3 replay paused');
    await cluster.query('pg1', 'create table bulk (n int, pad text)');
    await cluster.query('pg1', "insert into bulk select g, repeat('x', 100) from generate_series(1, 15000) g");
    const { lsn } = await one<{ lsn: string }>('pg1', 'select pg_current_wal_lsn()::text as lsn');
    // Received (streaming goes on) but not applied.
    await waitFor(async () => {
      const { behind } = await one<{ behind: number }>('pg3', 'select pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_receive_lsn())::float8 as behind', [lsn]);
      return behind <= 0;
    }, 'pg3 received the bulk insert');
    const paused = await facts('pg3');
    expect(paused.replayPaused).toBe(true);
    expect(paused.replayGapBytes).toBeGreaterThan(1_000_000);
    const { gap } = await one<{ gap: number }>('pg3', 'select pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as gap');
    expect(gap).toBeGreaterThan(1_000_000);
    const pg3Link = (await facts('pg1')).replicas.find((r) => r.applicationName === 'pg3');
    expect(pg3Link?.replayLagBytes).toBeGreaterThan(1_000_000);

    await cluster.query('pg3', 'select pg_wal_replay_resume()');
    await waitFor(async () => {
      const server = await facts('pg3');
      return server.replayPaused === false && server.replayGapBytes === 0;
    }, 'pg3 replay caught up');
    const { count } = await one<{ count: string }>('pg3', 'select count(*) from bulk');
    expect(count).toBe('15000');
  });

  it('issues exactly one query per probe', async () => {
    for (const name of ['pg1', 'pg2']) {
      const c = await client(name);
      const spy = vi.spyOn(c, 'query');
      try {
        await probe(name);
        await probe(name);
        expect(spy).toHaveBeenCalledTimes(2);
      } finally {
        spy.mockRestore();
      }
    }
  });

  it('asks only for the slot columns the server has (PostgreSQL 12 lacks wal_status and safe_wal_size)', async () => {
    const c = await client('pg1');
    const own = capabilities.get(c)!;
    const twelve: ServerCapabilities = { versionNum: 120000, slotColumns: new Set([...own.slotColumns].filter((column) => column !== 'wal_status' && column !== 'safe_wal_size')), statCheckpointer: false };
    const result = await c.query<{ snapshot: { slots: { walStatus: unknown; safeWalSizeBytes: unknown }[]; inRecovery: boolean } }>(snapshotSql(twelve));
    const snapshot = result.rows[0]!.snapshot;
    expect(snapshot.inRecovery).toBe(false);
    expect(snapshot.slots.map((slot) => [slot.walStatus, slot.safeWalSizeBytes])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('masks passwords in a conninfo', async () => {
    const samples: [string, string][] = [
      ['host=h user=r password=s3cr3t application_name=pg2', 'host=h user=r password=**** application_name=pg2'],
      ["password = 'a b\\'c d' host=h", 'password = **** host=h'],
      ['host=h sslpassword=k3y sslmode=require', 'host=h sslpassword=**** sslmode=require'],
      ['postgresql://rep:s3cr3t@h:5432/postgres', 'postgresql://rep:****@h:5432/postgres'],
      ['host=h user=r passfile=/x/.pgpass', 'host=h user=r passfile=/x/.pgpass'],
    ];
    for (const [conninfo, masked] of samples) {
      const { out } = await one<{ out: string }>('pg1', `select ${maskPasswordsSql('$1::text')} as out`, [conninfo]);
      expect(out).toBe(masked);
    }
  });

  describe('for a role without pg_monitor', () => {
    const password = randomBytes(12).toString('base64url');
    async function connectAsMonitor(name: string): Promise<pg.Client> {
      const node = cluster.node(name);
      const c = new pg.Client({ host: node.host, port: node.port, user: 'monitor_nopriv', password, database: node.database });
      await c.connect();
      clients.push(c);
      return c;
    }

    it('still answers on the primary and on a standby, without the status directory, and with it once granted pg_monitor', async () => {
      await cluster.query('pg1', `create role monitor_nopriv login password '${password}'`);
      const c = await connectAsMonitor('pg1');
      const own = await readServerCapabilities(c);
      const before = await probeNode(c, cluster.node('pg1'), own);
      expect(before.role).toBe('primary');
      expect(before.server?.timeline).toBe(1);
      expect(before.server?.archiver).toMatchObject({ enabled: true, canReadStatusDir: false, readyCount: null, oldestReadyAt: null });
      // Without pg_read_all_stats PostgreSQL shows that walsenders exist, not their state.
      expect(before.server?.replicas.map((r) => [r.applicationName, r.state, r.sentLsn])).toEqual([
        ['pg2', 'unknown', null],
        ['pg3', 'unknown', null],
      ]);

      await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_roles where rolname = 'monitor_nopriv'")).length === 1, 'role replicated to pg2');
      const onStandby = await connectAsMonitor('pg2');
      const standby = await probeNode(onStandby, cluster.node('pg2'), await readServerCapabilities(onStandby));
      expect(standby.role).toBe('standby');
      expect(standby.server).toMatchObject({ replayPaused: false, timeline: 1, currentLsn: null });
      expect(standby.server?.walReceiver?.status).toBe('unknown');
      expect(standby.server?.archiver.canReadStatusDir).toBe(false);

      await cluster.query('pg1', 'grant pg_monitor to monitor_nopriv');
      const after = await probeNode(c, cluster.node('pg1'), own);
      expect(after.server?.archiver.canReadStatusDir).toBe(true);
      expect(typeof after.server?.archiver.readyCount).toBe('number');
      expect(after.server?.replicas.map((r) => [r.applicationName, r.state])).toEqual([
        ['pg2', 'streaming'],
        ['pg3', 'streaming'],
      ]);
    });
  });

  it('reads a promoted node as a primary on timeline 2', async () => {
    await cluster.query('pg3', 'select pg_promote(true, 30)');
    await waitFor(async () => (await probe('pg3')).role === 'primary', 'pg3 promoted');
    const server = await facts('pg3');
    expect(server.timeline).toBe(2);
    expect(server).toMatchObject({ receiveLsn: null, replayLsn: null, replayPaused: null, walReceiver: null });
    expect(server.currentLsn).toMatch(/\//);
  });
});

import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { ClusterView } from '../../src/services/cluster/clusterView.js';
import { collectClusterView } from '../../src/services/cluster/collectClusterView.js';
import { parseLsn } from '../../src/services/postgres/lsn.js';
import type { TestCluster } from '../support/testCluster.js';

/**
 * What plain SQL reads on one server, independently of snapshotSql: whole
 * rows through to_jsonb (so no column list to drift with the version), then
 * only the fields that stay put on an idle cluster (reply times move every
 * wal_receiver_status_interval and are left out).
 */
export interface ServerTruth {
  inRecovery: boolean;
  versionNum: number;
  currentLsn: string | null;
  receiveLsn: string | null;
  replayLsn: string | null;
  replayPaused: boolean | null;
  checkpointTimeline: number;
  receiver: { status: string; senderPort: number; slotName: string | null; receivedTimeline: number } | null;
  replicas: { applicationName: string; state: string; syncState: string; sentLsn: string; writeLsn: string; flushLsn: string; replayLsn: string }[];
  slots: { name: string; type: string; active: boolean; restartLsn: string | null; walStatus: string | null }[];
  archiver: { archivedCount: number; failedCount: number; lastArchivedWal: string | null; lastFailedWal: string | null };
  readyCount: number;
}

const TRUTH_SQL = `
select pg_is_in_recovery() as in_recovery,
  current_setting('server_version_num')::int as version_num,
  case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as current_lsn,
  -- Both keep their last value after a promotion: a primary's are null in the view.
  case when pg_is_in_recovery() then pg_last_wal_receive_lsn()::text end as receive_lsn,
  case when pg_is_in_recovery() then pg_last_wal_replay_lsn()::text end as replay_lsn,
  case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as replay_paused,
  (select timeline_id from pg_control_checkpoint()) as checkpoint_tli,
  (select to_jsonb(r) from pg_stat_wal_receiver r limit 1) as receiver,
  (select coalesce(jsonb_agg(to_jsonb(s) order by s.application_name), '[]') from pg_stat_replication s) as replicas,
  (select coalesce(jsonb_agg(to_jsonb(sl) order by sl.slot_name), '[]') from pg_replication_slots sl) as slots,
  (select to_jsonb(a) from pg_stat_archiver a) as archiver,
  (select count(*) from pg_ls_archive_statusdir() where name like '%.ready')::int as ready_count`;

type Row = Record<string, unknown>;

export async function readTruth(cluster: TestCluster, node: string): Promise<ServerTruth> {
  const [row] = await cluster.query<Row>(node, TRUTH_SQL);
  if (!row) throw new Error(`${node}: no row`);
  const receiver = row.receiver as Row | null;
  return {
    inRecovery: row.in_recovery as boolean,
    versionNum: row.version_num as number,
    currentLsn: row.current_lsn as string | null,
    receiveLsn: row.receive_lsn as string | null,
    replayLsn: row.replay_lsn as string | null,
    replayPaused: row.replay_paused as boolean | null,
    checkpointTimeline: Number(row.checkpoint_tli),
    receiver: receiver && {
      status: receiver.status as string,
      senderPort: receiver.sender_port as number,
      slotName: receiver.slot_name as string | null,
      receivedTimeline: receiver.received_tli as number,
    },
    replicas: (row.replicas as Row[]).map((s) => ({
      applicationName: s.application_name as string,
      state: s.state as string,
      syncState: s.sync_state as string,
      sentLsn: s.sent_lsn as string,
      writeLsn: s.write_lsn as string,
      flushLsn: s.flush_lsn as string,
      replayLsn: s.replay_lsn as string,
    })),
    slots: (row.slots as Row[]).map((sl) => ({
      name: sl.slot_name as string,
      type: sl.slot_type as string,
      active: sl.active as boolean,
      restartLsn: sl.restart_lsn as string | null,
      // PostgreSQL 13 added the column; on 12 the snapshot says null.
      walStatus: (sl.wal_status as string | undefined) ?? null,
    })),
    archiver: {
      archivedCount: Number((row.archiver as Row).archived_count),
      failedCount: Number((row.archiver as Row).failed_count),
      lastArchivedWal: (row.archiver as Row).last_archived_wal as string | null,
      lastFailedWal: (row.archiver as Row).last_failed_wal as string | null,
    },
    readyCount: row.ready_count as number,
  };
}

/**
 * A look at the cluster taken between two identical SQL readings of every
 * node that is up, so that the look and the truth describe the same moment;
 * retried while something still moves (a standby replaying, the archiver).
 */
export async function stableLook(cluster: TestCluster, nodes: readonly string[], attempts = 40): Promise<{ view: ClusterView; truth: Record<string, ServerTruth> }> {
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await readAll(cluster, nodes);
    const view = await collectClusterView(cluster.config);
    const after = await readAll(cluster, nodes);
    if (isDeepStrictEqual(before, after)) return { view, truth: after };
    last = `${JSON.stringify(before)}\n${JSON.stringify(after)}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the cluster never held still for one look:\n${last}`);
}

async function readAll(cluster: TestCluster, nodes: readonly string[]): Promise<Record<string, ServerTruth>> {
  const entries = await Promise.all(nodes.map(async (name) => [name, await readTruth(cluster, name)] as const));
  return Object.fromEntries(entries);
}

function lsnDiff(a: string | null, b: string | null): number | null {
  return a === null || b === null ? null : Number(parseLsn(a) - parseLsn(b));
}

/** The live view's snapshot of `name`, field by field against what SQL read on that server at the same moment. */
export function expectSnapshotMatches(view: ClusterView, name: string, truth: ServerTruth): void {
  const node = view.nodes.find((candidate) => candidate.name === name);
  expect(node?.status, `${name} in the view`).toBe('up');
  const server = node!.server!;
  const at = (field: string) => `${name}.${field}`;
  expect(node!.role, at('role')).toBe(truth.inRecovery ? 'standby' : 'primary');
  expect(server.versionNum, at('versionNum')).toBe(truth.versionNum);
  expect(server.currentLsn, at('currentLsn')).toBe(truth.currentLsn);
  expect(server.receiveLsn, at('receiveLsn')).toBe(truth.receiveLsn);
  expect(server.replayLsn, at('replayLsn')).toBe(truth.replayLsn);
  expect(server.replayPaused, at('replayPaused')).toBe(truth.replayPaused);
  // A primary after a checkpoint, a standby by what its receiver streams.
  expect(server.timeline, at('timeline')).toBe(truth.inRecovery ? truth.receiver?.receivedTimeline : truth.checkpointTimeline);
  expect(
    server.walReceiver && {
      status: server.walReceiver.status,
      senderPort: server.walReceiver.senderPort,
      slotName: server.walReceiver.slotName,
      receivedTimeline: server.walReceiver.receivedTimeline,
    },
    at('walReceiver'),
  ).toEqual(truth.receiver);
  // What this node has: its insert position, or (a cascading standby) what it received or replayed.
  const ref = truth.currentLsn ?? ([truth.receiveLsn, truth.replayLsn].filter((lsn): lsn is string => lsn !== null).sort((a, b) => Number(parseLsn(b) - parseLsn(a)))[0] ?? null);
  expect(
    server.replicas.map((r) => ({ applicationName: r.applicationName, state: r.state, syncState: r.syncState, sentLsn: r.sentLsn, writeLsn: r.writeLsn, flushLsn: r.flushLsn, replayLsn: r.replayLsn, replayLagBytes: r.replayLagBytes })),
    at('replicas'),
  ).toEqual(truth.replicas.map((r) => ({ ...r, replayLagBytes: lsnDiff(ref, r.replayLsn) })));
  expect(
    server.slots.map((s) => ({ name: s.name, type: s.type, active: s.active, restartLsn: s.restartLsn, walStatus: s.walStatus, retainedBytes: s.retainedBytes })),
    at('slots'),
  ).toEqual(truth.slots.map((s) => ({ ...s, retainedBytes: lsnDiff(ref, s.restartLsn) })));
  expect(
    { archivedCount: server.archiver.archivedCount, failedCount: server.archiver.failedCount, lastArchivedWal: server.archiver.lastArchivedWal, lastFailedWal: server.archiver.lastFailedWal, readyCount: server.archiver.readyCount },
    at('archiver'),
  ).toEqual({ ...truth.archiver, readyCount: truth.readyCount });
}

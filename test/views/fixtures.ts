import type { Alert, ClusterView, StandbyLink } from '../../src/services/cluster/clusterView.js';
import type { ArchiverStats, NodeSnapshot, ReplicaLink, ReplicationSlot, ServerFacts } from '../../src/services/cluster/nodeSnapshot.js';
import { MiB, archiver, receiver, replicaRow, serverFacts as baseServerFacts, slot } from '../support/snapshots.js';

/**
 * The view tests' three-node sandbox: every node on 127.0.0.1 (pg1 on 5432),
 * PostgreSQL 15.18, the primary at SANDBOX_LSN, all taken at TICK_AT. Built on
 * the shared builders of test/support/snapshots.ts, with these values as the
 * defaults.
 */

/** The tick every fixture is taken at: 2024-05-01 12:00:00 UTC. */
export const TICK_AT = Date.UTC(2024, 4, 1, 12, 0, 0);
const LOCALHOST = '127.0.0.1';
/** The primary's write position; the standbys have received, replayed and been sent all of it. */
const SANDBOX_LSN = '0/3000148';

export function archiverStats(overrides: Partial<ArchiverStats> = {}): ArchiverStats {
  return archiver({ archivedCount: 120, lastArchivedWal: '000000010000000000000077', lastArchivedAt: TICK_AT - 5_000, ...overrides });
}

export function replicaLink(overrides: Partial<ReplicaLink> = {}): ReplicaLink {
  return replicaRow('pg2', {
    clientAddr: LOCALHOST,
    sentLsn: SANDBOX_LSN,
    writeLsn: SANDBOX_LSN,
    flushLsn: SANDBOX_LSN,
    replayLsn: SANDBOX_LSN,
    ...overrides,
  });
}

export function replicationSlot(overrides: Partial<ReplicationSlot> = {}): ReplicationSlot {
  return slot('slot_pg2', { restartLsn: '0/3000000', retainedBytes: 16 * MiB, ...overrides });
}

/** The settings the sandbox sets, as pg_settings reports them. */
export const SANDBOX_SETTINGS: Record<string, string> = {
  wal_level: 'replica',
  archive_mode: 'on',
  archive_command: 'test ! -f /srv/archive/%f && cp %p /srv/archive/%f',
  max_wal_senders: '10',
  max_replication_slots: '10',
  max_slot_wal_keep_size: '-1',
  wal_log_hints: 'on',
  data_checksums: 'off',
};

/** Server facts with no role filled in: a 15.18 server up for an hour on timeline 1, archiving fine. */
export function serverFacts(overrides: Partial<ServerFacts> = {}): ServerFacts {
  return baseServerFacts({
    version: '15.18',
    versionNum: 150018,
    startedAt: TICK_AT - 3_600_000,
    archiver: archiverStats(),
    settings: SANDBOX_SETTINGS,
    ...overrides,
  });
}

function snapshot(name: string, port: number, overrides: Partial<NodeSnapshot>): NodeSnapshot {
  return { name, host: LOCALHOST, port, status: 'up', role: 'unknown', polledAt: TICK_AT, ...overrides };
}

export function primarySnapshot(name = 'pg1', port = 5432, server: Partial<ServerFacts> = {}, overrides: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return snapshot(name, port, {
    role: 'primary',
    server: serverFacts({
      currentLsn: SANDBOX_LSN,
      replicas: [replicaLink({ applicationName: 'pg2' }), replicaLink({ applicationName: 'pg3', clientAddr: '127.0.0.2' })],
      slots: [replicationSlot({ name: 'slot_pg2' }), replicationSlot({ name: 'slot_pg3' })],
      ...server,
    }),
    ...overrides,
  });
}

export function standbySnapshot(name = 'pg2', port = 5433, server: Partial<ServerFacts> = {}, overrides: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return snapshot(name, port, {
    role: 'standby',
    server: serverFacts({
      receiveLsn: SANDBOX_LSN,
      replayLsn: SANDBOX_LSN,
      replayGapBytes: 0,
      replayPaused: false,
      // Streaming from pg1 (127.0.0.1:5432) through its own slot.
      walReceiver: receiver({ host: LOCALHOST, port: 5432 }, { slotName: `slot_${name}`, lastMessageAt: TICK_AT - 1000 }),
      ...server,
    }),
    ...overrides,
  });
}

export function downSnapshot(name = 'pg3', port = 5434, overrides: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return snapshot(name, port, { status: 'down', downReason: 'connection refused (server not running?)', ...overrides });
}

export function standbyLink(overrides: Partial<StandbyLink> = {}): StandbyLink {
  return {
    standby: 'pg2',
    upstream: 'pg1',
    receiverStreaming: true,
    senderSeen: true,
    walsenderPid: 4002,
    pairedBy: 'slot',
    lagBytes: 0,
    lagSeconds: 0,
    caughtUp: true,
    replayPaused: false,
    ...overrides,
  };
}

export function alert(overrides: Partial<Alert> = {}): Alert {
  return { severity: 'warning', code: 'standby-lagging', node: 'pg2', message: 'pg2 is 12 MB behind pg1', ...overrides };
}

/** One tick of the three-node sandbox: pg1 primary, pg2 standby caught up, pg3 down. */
export function clusterView(overrides: Partial<ClusterView> = {}): ClusterView {
  return {
    nodes: [primarySnapshot(), standbySnapshot(), downSnapshot('pg3', 5434, { lastSeenUpAt: TICK_AT - 125_000 })],
    links: [standbyLink()],
    alerts: [],
    at: TICK_AT,
    ...overrides,
  };
}

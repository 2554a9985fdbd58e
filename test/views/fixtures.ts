import type { Alert, ClusterView, StandbyLink } from '../../src/services/cluster/clusterView.js';
import type { ArchiverStats, NodeSnapshot, ReplicaLink, ReplicationSlot, ServerFacts } from '../../src/services/cluster/nodeSnapshot.js';

/** The tick every fixture is taken at: 2024-05-01 12:00:00 UTC. */
export const TICK_AT = Date.UTC(2024, 4, 1, 12, 0, 0);
const MB = 1024 * 1024;

export function archiverStats(overrides: Partial<ArchiverStats> = {}): ArchiverStats {
  return {
    enabled: true,
    archivedCount: 120,
    failedCount: 0,
    lastArchivedWal: '000000010000000000000077',
    lastArchivedAt: TICK_AT - 5_000,
    lastFailedWal: null,
    lastFailedAt: null,
    failing: false,
    canReadStatusDir: true,
    readyCount: 0,
    oldestReadyAt: null,
    ...overrides,
  };
}

export function replicaLink(overrides: Partial<ReplicaLink> = {}): ReplicaLink {
  return {
    applicationName: 'pg2',
    clientAddr: '127.0.0.1',
    state: 'streaming',
    syncState: 'async',
    sentLsn: '0/3000148',
    writeLsn: '0/3000148',
    flushLsn: '0/3000148',
    replayLsn: '0/3000148',
    sentLagBytes: 0,
    writeLagBytes: 0,
    flushLagBytes: 0,
    replayLagBytes: 0,
    writeLagSeconds: null,
    flushLagSeconds: null,
    replayLagSeconds: null,
    ...overrides,
  };
}

export function replicationSlot(overrides: Partial<ReplicationSlot> = {}): ReplicationSlot {
  return {
    name: 'slot_pg2',
    type: 'physical',
    active: true,
    restartLsn: '0/3000000',
    retainedBytes: 16 * MB,
    walStatus: 'reserved',
    safeWalSizeBytes: null,
    ...overrides,
  };
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

export function serverFacts(overrides: Partial<ServerFacts> = {}): ServerFacts {
  return {
    version: '15.18',
    versionNum: 150018,
    startedAt: TICK_AT - 3_600_000,
    timeline: 1,
    currentLsn: null,
    receiveLsn: null,
    replayLsn: null,
    replayGapBytes: null,
    replayPaused: null,
    lastReplayedXactAt: null,
    walReceiver: null,
    replicas: [],
    slots: [],
    archiver: archiverStats(),
    settings: SANDBOX_SETTINGS,
    ...overrides,
  };
}

function snapshot(name: string, port: number, overrides: Partial<NodeSnapshot>): NodeSnapshot {
  return { name, host: '127.0.0.1', port, status: 'up', role: 'unknown', polledAt: TICK_AT, ...overrides };
}

export function primarySnapshot(name = 'pg1', port = 5432, server: Partial<ServerFacts> = {}, overrides: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return snapshot(name, port, {
    role: 'primary',
    server: serverFacts({
      currentLsn: '0/3000148',
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
      receiveLsn: '0/3000148',
      replayLsn: '0/3000148',
      replayGapBytes: 0,
      replayPaused: false,
      walReceiver: {
        status: 'streaming',
        senderHost: '127.0.0.1',
        senderPort: 5432,
        slotName: `slot_${name}`,
        receivedTimeline: 1,
        lastMessageAt: TICK_AT - 1000,
      },
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

import type {
  ArchiverStats,
  NodeSnapshot,
  ReplicaLink,
  ReplicationSlot,
  ServerFacts,
  WalReceiver,
} from '../../src/services/cluster/nodeSnapshot.js';

/**
 * NodeSnapshot and ServerFacts builders shared by the tests: a healthy node by
 * default, with only what a test is about overridden. Hosts come from the
 * name's digits (pg2 → 10.0.0.2), port 5432. This is the one place that spells
 * out every field of ServerFacts, ArchiverStats, WalReceiver, ReplicaLink and
 * ReplicationSlot; fixtures for a particular setting (test/views/fixtures.ts:
 * the local sandbox) override these defaults rather than repeating them.
 */

export const NOW = Date.parse('2025-06-01T12:00:00Z');
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** The primary's write position in the healthy fixtures; standbys have replayed up to it. */
export const PRIMARY_LSN = '0/5000060';

export type FactsOverrides = Partial<Omit<ServerFacts, 'archiver'>> & { archiver?: Partial<ArchiverStats> };
export type NodeOverrides = Partial<Omit<NodeSnapshot, 'server'>> & { server?: FactsOverrides };

export function hostFor(name: string): string {
  return `10.0.0.${/(\d+)$/.exec(name)?.[1] ?? '1'}`;
}

export function archiver(overrides: Partial<ArchiverStats> = {}): ArchiverStats {
  return {
    enabled: true,
    archivedCount: 12,
    failedCount: 0,
    lastArchivedWal: '000000010000000000000004',
    lastArchivedAt: NOW - 60_000,
    lastFailedWal: null,
    lastFailedAt: null,
    failing: false,
    canReadStatusDir: true,
    readyCount: 0,
    oldestReadyAt: null,
    ...overrides,
  };
}

/**
 * Server facts with no role filled in: a 16.4 server up for a day on timeline
 * 1, archiving fine, with no LSNs, receiver, replicas or slots.
 */
export function serverFacts(overrides: FactsOverrides = {}): ServerFacts {
  const { archiver: archiverOverrides, ...rest } = overrides;
  return {
    version: '16.4',
    versionNum: 160004,
    startedAt: NOW - 86_400_000,
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
    settings: {},
    monitoringLogin: { user: 'postgres', readAllStats: true, pgMonitor: true },
    archiver: archiver(archiverOverrides),
    ...rest,
  };
}

function node(name: string, role: NodeSnapshot['role'], server: ServerFacts, overrides: NodeOverrides): NodeSnapshot {
  const { server: _ignored, ...rest } = overrides;
  return { name, host: hostFor(name), port: 5432, status: 'up', role, polledAt: NOW, server, ...rest };
}

/** A primary on timeline 1 at PRIMARY_LSN, archiving fine, with no replicas unless given. */
export function primary(name: string, overrides: NodeOverrides = {}): NodeSnapshot {
  const server = serverFacts({ currentLsn: PRIMARY_LSN, ...overrides.server });
  return node(name, 'primary', server, overrides);
}

/**
 * A standby streaming from `upstream`'s host:port, on its timeline, having
 * received and replayed all it has (caught up).
 */
export function standby(name: string, upstream: NodeSnapshot, overrides: NodeOverrides = {}): NodeSnapshot {
  const upstreamHas = upstream.role === 'standby' ? upstream.server?.receiveLsn : upstream.server?.currentLsn;
  const server = serverFacts({
    timeline: upstream.server?.timeline ?? 1,
    receiveLsn: upstreamHas ?? PRIMARY_LSN,
    replayLsn: upstreamHas ?? PRIMARY_LSN,
    replayGapBytes: 0,
    replayPaused: false,
    // Old on purpose: the primary has been idle for an hour.
    lastReplayedXactAt: NOW - 3_600_000,
    walReceiver: receiver(upstream),
    ...overrides.server,
  });
  return node(name, 'standby', server, overrides);
}

/** The WAL receiver of a standby streaming from `upstream` (only its host, port and timeline are read). */
export function receiver(upstream: Pick<NodeSnapshot, 'host' | 'port' | 'server'>, overrides: Partial<WalReceiver> = {}): WalReceiver {
  return {
    status: 'streaming',
    senderHost: upstream.host,
    senderPort: upstream.port,
    slotName: null,
    receivedTimeline: upstream.server?.timeline ?? 1,
    lastMessageAt: NOW - 1000,
    ...overrides,
  };
}

/** A walsender row for a caught-up standby on an idle upstream: zero bytes, NULL replay_lag. */
/** The walsender pid the fixtures give the standby named `name` (pg2 → 4002): its row's pid and its slot's active_pid. */
export function walsenderPidFor(name: string): number {
  return 4000 + Number(/(\d+)$/.exec(name)?.[1] ?? '0');
}

export function replicaRow(standbyName: string, overrides: Partial<ReplicaLink> = {}): ReplicaLink {
  return {
    pid: walsenderPidFor(standbyName),
    applicationName: standbyName,
    clientAddr: hostFor(standbyName),
    state: 'streaming',
    syncState: 'async',
    sentLsn: PRIMARY_LSN,
    writeLsn: PRIMARY_LSN,
    flushLsn: PRIMARY_LSN,
    replayLsn: PRIMARY_LSN,
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

/** An active slot's active_pid is the walsender pid of the node its name ends with (slot_pg2 → 4002). */
export function slot(name: string, overrides: Partial<ReplicationSlot> = {}): ReplicationSlot {
  const active = overrides.active ?? true;
  return {
    name,
    type: 'physical',
    active,
    activePid: active ? walsenderPidFor(name) : null,
    restartLsn: PRIMARY_LSN,
    retainedBytes: 0,
    walStatus: 'reserved',
    safeWalSizeBytes: null,
    ...overrides,
  };
}

/** A node that did not answer its last poll. */
export function down(name: string, downReason = 'connection refused (server not running?)'): NodeSnapshot {
  return { name, host: hostFor(name), port: 5432, status: 'down', role: 'unknown', downReason, polledAt: NOW };
}

/** A node not polled yet. */
export function unpolled(name: string): NodeSnapshot {
  return { name, host: hostFor(name), port: 5432, status: 'unknown', role: 'unknown' };
}

/** The same node with its server facts changed (a snapshot's server is always present in these fixtures). */
export function withServer(node: NodeSnapshot, overrides: FactsOverrides): NodeSnapshot {
  const server = node.server;
  if (!server) throw new Error(`${node.name} has no server facts`);
  const { archiver: archiverOverrides, ...rest } = overrides;
  return { ...node, server: { ...server, ...rest, archiver: { ...server.archiver, ...archiverOverrides } } };
}

/** pg1 primary, pg2 and pg3 streaming from it through slot_pg2/slot_pg3, all caught up, primary idle. */
export function healthyCluster(): [NodeSnapshot, NodeSnapshot, NodeSnapshot] {
  const pg1 = primary('pg1', {
    server: {
      replicas: [replicaRow('pg2'), replicaRow('pg3')],
      slots: [slot('slot_pg2'), slot('slot_pg3')],
    },
  });
  return [pg1, standby('pg2', pg1), standby('pg3', pg1)];
}

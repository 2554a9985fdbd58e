import { parseLsn } from '../postgres/lsn.js';
import type { ArchiverStats, CheckpointerStats, MonitoringLogin, NodeSnapshot, ReplicaLink, ReplicationSlot, ServerFacts, TimelineFork, WalReceiver } from './nodeSnapshot.js';

/**
 * Turns the json of snapshotSql's one row into a NodeSnapshot. Pure.
 *
 * Defensive, but never silently wrong: a missing nullable field becomes null,
 * a missing list or map becomes empty, a value of the wrong type throws an
 * Error naming the field ("snapshot.replicas[1].sentLagBytes: ..."). Fields the
 * cockpit cannot do without (version, versionNum, startedAt, inRecovery, the
 * archiver counters, a replica's name, a slot's name/type/active) throw when missing.
 *
 * The states of pg_stat_replication / pg_stat_wal_receiver are null for a role
 * without pg_read_all_stats (PostgreSQL shows only that the process exists):
 * those become "unknown" rather than an error.
 */
export function parseSnapshot(json: unknown, node: { name: string; host: string; port: number }, polledAt: number): NodeSnapshot {
  const root = objectAt(typeof json === 'string' ? parseJsonText(json) : json, 'snapshot');
  const inRecovery = requireValue(optBoolean(root, 'inRecovery', 'snapshot'), 'snapshot.inRecovery');
  const server: ServerFacts = {
    version: requireValue(optString(root, 'version', 'snapshot'), 'snapshot.version'),
    versionNum: requireValue(optNumber(root, 'versionNum', 'snapshot'), 'snapshot.versionNum'),
    startedAt: requireValue(optNumber(root, 'startedAt', 'snapshot'), 'snapshot.startedAt'),
    timeline: optNumber(root, 'timeline', 'snapshot'),
    timelineHistory: parseTimelineHistory(optString(root, 'timelineHistory', 'snapshot')),
    oldestWalSegment: optString(root, 'oldestWalSegment', 'snapshot'),
    walSegmentBytes: optNumber(root, 'walSegmentBytes', 'snapshot'),
    currentLsn: optLsn(root, 'currentLsn', 'snapshot'),
    receiveLsn: optLsn(root, 'receiveLsn', 'snapshot'),
    replayLsn: optLsn(root, 'replayLsn', 'snapshot'),
    replayGapBytes: optNumber(root, 'replayGapBytes', 'snapshot'),
    replayPaused: optBoolean(root, 'replayPaused', 'snapshot'),
    lastReplayedXactAt: optNumber(root, 'lastReplayedXactAt', 'snapshot'),
    walReceiver: root.walReceiver == null ? null : parseWalReceiver(objectAt(root.walReceiver, 'snapshot.walReceiver')),
    replicas: listAt(root, 'replicas', 'snapshot').map((item, i) => parseReplica(objectAt(item, `snapshot.replicas[${i}]`), `snapshot.replicas[${i}]`)),
    slots: listAt(root, 'slots', 'snapshot').map((item, i) => parseSlot(objectAt(item, `snapshot.slots[${i}]`), `snapshot.slots[${i}]`)),
    archiver: parseArchiver(objectAt(root.archiver, 'snapshot.archiver')),
    checkpointer: root.checkpointer == null ? null : parseCheckpointer(objectAt(root.checkpointer, 'snapshot.checkpointer')),
    settings: parseSettings(root.settings),
    monitoringLogin: parseMonitoringLogin(root.monitoringLogin),
  };
  return {
    name: node.name,
    host: node.host,
    port: node.port,
    status: 'up',
    role: inRecovery ? 'standby' : 'primary',
    polledAt,
    server,
  };
}

type JsonObject = Record<string, unknown>;

function parseWalReceiver(o: JsonObject): WalReceiver {
  const at = 'snapshot.walReceiver';
  return {
    status: optString(o, 'status', at) ?? 'unknown',
    senderHost: optString(o, 'senderHost', at),
    senderPort: optNumber(o, 'senderPort', at),
    slotName: optString(o, 'slotName', at),
    receivedTimeline: optNumber(o, 'receivedTimeline', at),
    lastMessageAt: optNumber(o, 'lastMessageAt', at),
  };
}

function parseReplica(o: JsonObject, at: string): ReplicaLink {
  return {
    pid: optNumber(o, 'pid', at),
    applicationName: requireValue(optString(o, 'applicationName', at), `${at}.applicationName`),
    clientAddr: optString(o, 'clientAddr', at),
    state: optString(o, 'state', at) ?? 'unknown',
    syncState: optString(o, 'syncState', at) ?? 'unknown',
    sentLsn: optLsn(o, 'sentLsn', at),
    writeLsn: optLsn(o, 'writeLsn', at),
    flushLsn: optLsn(o, 'flushLsn', at),
    replayLsn: optLsn(o, 'replayLsn', at),
    sentLagBytes: optNumber(o, 'sentLagBytes', at),
    writeLagBytes: optNumber(o, 'writeLagBytes', at),
    flushLagBytes: optNumber(o, 'flushLagBytes', at),
    replayLagBytes: optNumber(o, 'replayLagBytes', at),
    writeLagSeconds: optNumber(o, 'writeLagSeconds', at),
    flushLagSeconds: optNumber(o, 'flushLagSeconds', at),
    replayLagSeconds: optNumber(o, 'replayLagSeconds', at),
  };
}

function parseSlot(o: JsonObject, at: string): ReplicationSlot {
  const type = requireValue(optString(o, 'type', at), `${at}.type`);
  if (type !== 'physical' && type !== 'logical') throw new Error(`${at}.type: expected "physical" or "logical", got ${describe(type)}`);
  return {
    name: requireValue(optString(o, 'name', at), `${at}.name`),
    type,
    active: requireValue(optBoolean(o, 'active', at), `${at}.active`),
    activePid: optNumber(o, 'activePid', at),
    restartLsn: optLsn(o, 'restartLsn', at),
    retainedBytes: optNumber(o, 'retainedBytes', at),
    walStatus: optString(o, 'walStatus', at),
    safeWalSizeBytes: optNumber(o, 'safeWalSizeBytes', at),
    database: optString(o, 'database', at),
    temporary: optBoolean(o, 'temporary', at),
    conflicting: optBoolean(o, 'conflicting', at),
    invalidationReason: optString(o, 'invalidationReason', at),
    inactiveSince: optNumber(o, 'inactiveSince', at),
    failover: optBoolean(o, 'failover', at),
    synced: optBoolean(o, 'synced', at),
  };
}

function parseCheckpointer(o: JsonObject): CheckpointerStats {
  const at = 'snapshot.checkpointer';
  const view = optString(o, 'view', at);
  if (view !== 'pg_stat_checkpointer' && view !== 'pg_stat_bgwriter') throw new Error(`${at}.view: expected pg_stat_checkpointer or pg_stat_bgwriter, got ${describe(view)}`);
  return {
    view,
    timed: requireValue(optNumber(o, 'timed', at), `${at}.timed`),
    requested: requireValue(optNumber(o, 'requested', at), `${at}.requested`),
    writeTimeMs: requireValue(optNumber(o, 'writeTimeMs', at), `${at}.writeTimeMs`),
    syncTimeMs: requireValue(optNumber(o, 'syncTimeMs', at), `${at}.syncTimeMs`),
    buffersWritten: requireValue(optNumber(o, 'buffersWritten', at), `${at}.buffersWritten`),
    restartpointsDone: optNumber(o, 'restartpointsDone', at),
    statsResetAt: optNumber(o, 'statsResetAt', at),
  };
}

function parseArchiver(o: JsonObject): ArchiverStats {
  const at = 'snapshot.archiver';
  // No proof the role may list archive_status means it may not: the counts stay unknown.
  const canReadStatusDir = optBoolean(o, 'canReadStatusDir', at) ?? false;
  return {
    enabled: requireValue(optBoolean(o, 'enabled', at), `${at}.enabled`),
    archivedCount: requireValue(optNumber(o, 'archivedCount', at), `${at}.archivedCount`),
    failedCount: requireValue(optNumber(o, 'failedCount', at), `${at}.failedCount`),
    lastArchivedWal: optString(o, 'lastArchivedWal', at),
    lastArchivedAt: optNumber(o, 'lastArchivedAt', at),
    lastFailedWal: optString(o, 'lastFailedWal', at),
    lastFailedAt: optNumber(o, 'lastFailedAt', at),
    failing: requireValue(optBoolean(o, 'failing', at), `${at}.failing`),
    canReadStatusDir,
    readyCount: canReadStatusDir ? optNumber(o, 'readyCount', at) : null,
    oldestReadyAt: canReadStatusDir ? optNumber(o, 'oldestReadyAt', at) : null,
  };
}

/**
 * A timeline history file's lines, "1\t0/5000060\tno recovery target specified"
 * (read back through query_to_xml, so &, < and > arrive escaped; only the
 * first two fields are used). Comments and blank lines are skipped, as the server does.
 */
export function parseTimelineHistory(text: string | null): TimelineFork[] | null {
  if (text === null) return null;
  const forks: TimelineFork[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+([0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8})/.exec(line);
    if (match) forks.push({ timeline: Number(match[1]), switchpoint: match[2]!.toUpperCase() });
  }
  return forks;
}

function parseMonitoringLogin(value: unknown): MonitoringLogin {
  const at = 'snapshot.monitoringLogin';
  const o = objectAt(value, at);
  return {
    user: requireValue(optString(o, 'user', at), `${at}.user`),
    readAllStats: requireValue(optBoolean(o, 'readAllStats', at), `${at}.readAllStats`),
    pgMonitor: requireValue(optBoolean(o, 'pgMonitor', at), `${at}.pgMonitor`),
  };
}

function parseSettings(value: unknown): Record<string, string> {
  if (value == null) return {};
  const o = objectAt(value, 'snapshot.settings');
  const settings: Record<string, string> = {};
  for (const [name, setting] of Object.entries(o)) {
    if (typeof setting !== 'string') throw new Error(`snapshot.settings.${name}: expected a string, got ${describe(setting)}`);
    settings[name] = setting;
  }
  return settings;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`snapshot: not valid JSON (${(error as Error).message})`);
  }
}

function objectAt(value: unknown, at: string): JsonObject {
  if (value == null) throw new Error(`${at}: missing`);
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at}: expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

function listAt(o: JsonObject, key: string, at: string): unknown[] {
  const value = o[key];
  if (value == null) return [];
  if (!Array.isArray(value)) throw new Error(`${at}.${key}: expected a list, got ${describe(value)}`);
  return value;
}

function optString(o: JsonObject, key: string, at: string): string | null {
  const value = o[key];
  if (value == null) return null;
  if (typeof value !== 'string') throw new Error(`${at}.${key}: expected a string or null, got ${describe(value)}`);
  return value;
}

function optNumber(o: JsonObject, key: string, at: string): number | null {
  const value = o[key];
  if (value == null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${at}.${key}: expected a number or null, got ${describe(value)}`);
  return value;
}

function optBoolean(o: JsonObject, key: string, at: string): boolean | null {
  const value = o[key];
  if (value == null) return null;
  if (typeof value !== 'boolean') throw new Error(`${at}.${key}: expected true, false or null, got ${describe(value)}`);
  return value;
}

/** An LSN as PostgreSQL prints it; anything else would break every byte computation downstream. */
function optLsn(o: JsonObject, key: string, at: string): string | null {
  const value = optString(o, key, at);
  if (value === null) return null;
  try {
    parseLsn(value);
  } catch {
    throw new Error(`${at}.${key}: expected an LSN like "0/3000148", got ${describe(value)}`);
  }
  return value;
}

function requireValue<T>(value: T | null, at: string): T {
  if (value === null) throw new Error(`${at}: missing`);
  return value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

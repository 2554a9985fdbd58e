import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/services/cluster/parseSnapshot.js';

/** Payloads shaped like snapshotSql's json, as node-postgres hands them over. */

const POLLED_AT = Date.parse('2025-06-01T12:00:00Z');
const PG1 = { name: 'pg1', host: '10.0.0.1', port: 5432 };
const PG3 = { name: 'pg3', host: '10.0.0.3', port: 5434 };

const ARCHIVER = {
  enabled: true,
  archivedCount: 41,
  failedCount: 0,
  lastArchivedWal: '000000010000000000000029',
  lastArchivedAt: POLLED_AT - 30_000.5,
  lastFailedWal: null,
  lastFailedAt: null,
  failing: false,
  canReadStatusDir: true,
  readyCount: 1,
  oldestReadyAt: POLLED_AT - 2000,
};

function replica(name: string, lag: number, pid = 7000 + lag) {
  return {
    pid,
    applicationName: name,
    clientAddr: '127.0.0.1',
    state: 'streaming',
    syncState: 'async',
    sentLsn: '0/2A000060',
    writeLsn: '0/2A000060',
    flushLsn: '0/2A000060',
    replayLsn: '0/29FFF000',
    sentLagBytes: 0,
    writeLagBytes: 0,
    flushLagBytes: 0,
    replayLagBytes: lag,
    writeLagSeconds: 0.000412,
    flushLagSeconds: 0.00105,
    replayLagSeconds: lag > 0 ? 1.5 : null,
  };
}

function primaryPayload() {
  return {
    version: '15.18',
    versionNum: 150018,
    startedAt: POLLED_AT - 86_400_000.25,
    inRecovery: false,
    timeline: 1,
    currentLsn: '0/2A000060',
    receiveLsn: null,
    replayLsn: null,
    replayGapBytes: null,
    replayPaused: null,
    lastReplayedXactAt: null,
    walReceiver: null,
    replicas: [replica('pg2', 0), replica('pg3', 4192)],
    slots: [
      { name: 'slot_pg2', type: 'physical', active: true, activePid: 7000, restartLsn: '0/2A000060', retainedBytes: 0, walStatus: 'reserved', safeWalSizeBytes: null },
      { name: 'slot_pg3', type: 'physical', active: true, activePid: 11192, restartLsn: '0/29000000', retainedBytes: 16777312, walStatus: 'extended', safeWalSizeBytes: 1073741824 },
    ],
    archiver: ARCHIVER,
    settings: { wal_level: 'replica', archive_mode: 'on', archive_timeout: '1min', max_slot_wal_keep_size: '-1' },
    monitoringLogin: { user: 'postgres', readAllStats: true, pgMonitor: true },
  };
}

function standbyPayload() {
  return {
    version: '15.18',
    versionNum: 150018,
    startedAt: POLLED_AT - 3_600_000,
    inRecovery: true,
    timeline: 1,
    currentLsn: null,
    receiveLsn: '0/2A000060',
    replayLsn: '0/29E00000',
    replayGapBytes: 2097248,
    replayPaused: true,
    lastReplayedXactAt: POLLED_AT - 60_000,
    walReceiver: {
      status: 'streaming',
      senderHost: '127.0.0.1',
      senderPort: 5432,
      slotName: 'slot_pg3',
      receivedTimeline: 1,
      lastMessageAt: POLLED_AT - 800,
    },
    replicas: [],
    slots: [],
    archiver: { ...ARCHIVER, archivedCount: 0, lastArchivedWal: null, lastArchivedAt: null, readyCount: 0, oldestReadyAt: null },
    settings: { primary_conninfo: 'user=replication password=**** host=127.0.0.1 port=5432', primary_slot_name: 'slot_pg3', hot_standby: 'on' },
    monitoringLogin: { user: 'postgres', readAllStats: true, pgMonitor: true },
  };
}

describe('parseSnapshot', () => {
  it('reads a primary with two replicas and two slots', () => {
    const snapshot = parseSnapshot(primaryPayload(), PG1, POLLED_AT);
    expect(snapshot).toMatchObject({ name: 'pg1', host: '10.0.0.1', port: 5432, status: 'up', role: 'primary', polledAt: POLLED_AT });
    const server = snapshot.server!;
    expect(server).toMatchObject({
      version: '15.18',
      versionNum: 150018,
      startedAt: POLLED_AT - 86_400_000.25,
      timeline: 1,
      currentLsn: '0/2A000060',
      receiveLsn: null,
      replayLsn: null,
      replayGapBytes: null,
      replayPaused: null,
      lastReplayedXactAt: null,
      walReceiver: null,
    });
    expect(server.replicas).toEqual([replica('pg2', 0), replica('pg3', 4192)]);
    expect(server.replicas[1]?.replayLagSeconds).toBe(1.5);
    expect(server.slots.map((slot) => [slot.name, slot.active, slot.activePid, slot.retainedBytes, slot.walStatus, slot.safeWalSizeBytes])).toEqual([
      ['slot_pg2', true, 7000, 0, 'reserved', null],
      ['slot_pg3', true, 11192, 16777312, 'extended', 1073741824],
    ]);
    expect(server.monitoringLogin).toEqual({ user: 'postgres', readAllStats: true, pgMonitor: true });
    expect(server.archiver).toEqual(ARCHIVER);
    expect(server.settings).toEqual({ wal_level: 'replica', archive_mode: 'on', archive_timeout: '1min', max_slot_wal_keep_size: '-1' });
  });

  it('reads a standby whose replay is paused', () => {
    const snapshot = parseSnapshot(standbyPayload(), PG3, POLLED_AT);
    expect(snapshot.role).toBe('standby');
    expect(snapshot.server).toMatchObject({
      currentLsn: null,
      receiveLsn: '0/2A000060',
      replayLsn: '0/29E00000',
      replayGapBytes: 2097248,
      replayPaused: true,
      lastReplayedXactAt: POLLED_AT - 60_000,
      walReceiver: { status: 'streaming', senderHost: '127.0.0.1', senderPort: 5432, slotName: 'slot_pg3', receivedTimeline: 1, lastMessageAt: POLLED_AT - 800 },
      replicas: [],
      slots: [],
    });
    expect(snapshot.server?.settings.primary_conninfo).toBe('user=replication password=**** host=127.0.0.1 port=5432');
  });

  it('reads a PostgreSQL 12 payload: no wal_status / safe_wal_size, wal_keep_segments', () => {
    const payload = {
      ...primaryPayload(),
      version: '12.20',
      versionNum: 120020,
      slots: [{ name: 'slot_pg2', type: 'physical', active: false, restartLsn: '0/1000000', retainedBytes: 687865952 }],
      settings: { wal_keep_segments: '0' },
    };
    const server = parseSnapshot(payload, PG1, POLLED_AT).server!;
    expect(server.versionNum).toBe(120020);
    expect(server.slots).toEqual([
      { name: 'slot_pg2', type: 'physical', active: false, activePid: null, restartLsn: '0/1000000', retainedBytes: 687865952, walStatus: null, safeWalSizeBytes: null,
        database: null, temporary: null, conflicting: null, invalidationReason: null, inactiveSince: null, failover: null, synced: null },
    ]);
    expect(server.settings).toEqual({ wal_keep_segments: '0' });
  });

  it("reads a PostgreSQL 17 logical failover slot's columns and the checkpointer's counters", () => {
    const payload = {
      ...primaryPayload(),
      slots: [{ name: 'sub1', type: 'logical', active: false, restartLsn: '0/3000000', retainedBytes: 1024, database: 'app', conflicting: false, invalidationReason: null, inactiveSince: 1764500000000, failover: true, synced: false }],
      checkpointer: { view: 'pg_stat_checkpointer', timed: 3, requested: 2, writeTimeMs: 10.5, syncTimeMs: 1, buffersWritten: 40, restartpointsDone: 0, statsResetAt: 1764400000000 },
    };
    const server = parseSnapshot(payload, PG1, POLLED_AT).server!;
    expect(server.slots[0]).toMatchObject({ database: 'app', conflicting: false, invalidationReason: null, inactiveSince: 1764500000000, failover: true, synced: false });
    expect(server.checkpointer).toEqual({ view: 'pg_stat_checkpointer', timed: 3, requested: 2, writeTimeMs: 10.5, syncTimeMs: 1, buffersWritten: 40, restartpointsDone: 0, statsResetAt: 1764400000000 });
  });

  it('reads what a role without pg_monitor sees: no status dir, hidden walsender and receiver details', () => {
    const payload = {
      ...standbyPayload(),
      archiver: { ...ARCHIVER, canReadStatusDir: false, readyCount: null, oldestReadyAt: null },
      walReceiver: { status: null, senderHost: null, senderPort: null, slotName: null, receivedTimeline: null, lastMessageAt: null },
      replicas: [{ pid: 4711, applicationName: 'walreceiver', clientAddr: null, state: null, syncState: null, sentLsn: null }],
      settings: { wal_level: 'replica' },
      monitoringLogin: { user: 'monitor', readAllStats: false, pgMonitor: false },
    };
    const server = parseSnapshot(payload, PG3, POLLED_AT).server!;
    expect(server.archiver).toMatchObject({ canReadStatusDir: false, readyCount: null, oldestReadyAt: null, archivedCount: 41 });
    expect(server.walReceiver).toEqual({ status: 'unknown', senderHost: null, senderPort: null, slotName: null, receivedTimeline: null, lastMessageAt: null });
    expect(server.monitoringLogin).toEqual({ user: 'monitor', readAllStats: false, pgMonitor: false });
    expect(server.replicas[0]).toMatchObject({ pid: 4711, applicationName: 'walreceiver', state: 'unknown', syncState: 'unknown', sentLsn: null, replayLagBytes: null, replayLagSeconds: null });
    expect(server.settings).toEqual({ wal_level: 'replica' });
  });

  it('never reports a ready count the role could not read', () => {
    const payload = { ...primaryPayload(), archiver: { ...ARCHIVER, canReadStatusDir: undefined, readyCount: 3 } };
    expect(parseSnapshot(payload, PG1, POLLED_AT).server?.archiver).toMatchObject({ canReadStatusDir: false, readyCount: null, oldestReadyAt: null });
  });

  it('turns missing optional fields into null and missing lists into empty ones', () => {
    const { timeline: _t, currentLsn: _c, replicas: _r, slots: _s, settings: _x, walReceiver: _w, ...rest } = primaryPayload();
    const server = parseSnapshot(rest, PG1, POLLED_AT).server!;
    expect(server).toMatchObject({ timeline: null, currentLsn: null, walReceiver: null, replicas: [], slots: [], settings: {} });
  });

  it('accepts the json as text too', () => {
    expect(parseSnapshot(JSON.stringify(standbyPayload()), PG3, POLLED_AT).role).toBe('standby');
  });

  describe('rejects bad payloads, naming the field', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['no payload', () => null, /^snapshot: missing$/],
      ['a list', () => [], /^snapshot: expected an object, got a list$/],
      ['invalid json text', () => '{"version":', /^snapshot: not valid JSON/],
      ['no inRecovery', () => ({ ...primaryPayload(), inRecovery: undefined }), /^snapshot\.inRecovery: missing$/],
      ['inRecovery as text', () => ({ ...primaryPayload(), inRecovery: 'f' }), /^snapshot\.inRecovery: expected true, false or null, got string "f"$/],
      ['no version', () => ({ ...primaryPayload(), version: null }), /^snapshot\.version: missing$/],
      ['versionNum as text', () => ({ ...primaryPayload(), versionNum: '150018' }), /^snapshot\.versionNum: expected a number or null, got string "150018"$/],
      ['no archiver', () => ({ ...primaryPayload(), archiver: undefined }), /^snapshot\.archiver: missing$/],
      ['archivedCount missing', () => ({ ...primaryPayload(), archiver: { ...ARCHIVER, archivedCount: null } }), /^snapshot\.archiver\.archivedCount: missing$/],
      ['replicas not a list', () => ({ ...primaryPayload(), replicas: {} }), /^snapshot\.replicas: expected a list, got an object$/],
      [
        'a lag as text',
        () => ({ ...primaryPayload(), replicas: [replica('pg2', 0), { ...replica('pg3', 0), sentLagBytes: '12' }] }),
        /^snapshot\.replicas\[1\]\.sentLagBytes: expected a number or null, got string "12"$/,
      ],
      ['a replica without a name', () => ({ ...primaryPayload(), replicas: [{ ...replica('pg2', 0), applicationName: null }] }), /^snapshot\.replicas\[0\]\.applicationName: missing$/],
      ['a malformed LSN', () => ({ ...primaryPayload(), currentLsn: '2A000060' }), /^snapshot\.currentLsn: expected an LSN like "0\/3000148", got string "2A000060"$/],
      [
        'an unknown slot type',
        () => ({ ...primaryPayload(), slots: [{ ...primaryPayload().slots[0], type: 'temporary' }] }),
        /^snapshot\.slots\[0\]\.type: expected "physical" or "logical", got string "temporary"$/,
      ],
      ['a walReceiver that is text', () => ({ ...standbyPayload(), walReceiver: 'streaming' }), /^snapshot\.walReceiver: expected an object, got string "streaming"$/],
      ['a numeric setting', () => ({ ...primaryPayload(), settings: { max_wal_senders: 10 } }), /^snapshot\.settings\.max_wal_senders: expected a string, got number 10$/],
    ];
    it.each(cases)('%s', (_label, payload, message) => {
      expect(() => parseSnapshot(payload(), PG1, POLLED_AT)).toThrow(message);
    });
  });
});

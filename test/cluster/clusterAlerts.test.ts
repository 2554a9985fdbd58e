import { describe, expect, it } from 'vitest';
import { clusterAlerts } from '../../src/services/cluster/clusterAlerts.js';
import type { Alert } from '../../src/services/cluster/clusterView.js';
import { deriveLinks } from '../../src/services/cluster/deriveLinks.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/services/config/schema.js';
import { GiB, MiB, NOW, down, healthyCluster, primary, receiver, replicaRow, slot, standby, unpolled, withServer } from './fixtures.js';

function alertsFor(nodes: NodeSnapshot[], options: { thresholds?: Thresholds; forecasts?: Map<string, number> } = {}): Alert[] {
  return clusterAlerts(nodes, deriveLinks(nodes, NOW), options.thresholds ?? DEFAULT_THRESHOLDS, NOW, options.forecasts);
}

function only(alerts: Alert[], code: string): Alert[] {
  return alerts.filter((alert) => alert.code === code);
}

function codes(alerts: Alert[]): string[] {
  return alerts.map((alert) => `${alert.severity} ${alert.code}${alert.node ? ` ${alert.node}` : ''}`);
}

/** pg1 with pg2 lagging: the walsender row says so. */
function lagging(row: Parameters<typeof replicaRow>[1]): [NodeSnapshot, NodeSnapshot, NodeSnapshot] {
  const [pg1, pg2, pg3] = healthyCluster();
  return [withServer(pg1, { replicas: [replicaRow('pg2', row), replicaRow('pg3')] }), pg2, pg3];
}

/** The healthy cluster with pg1's server facts changed. */
function primaryWith(overrides: Parameters<typeof withServer>[1]): NodeSnapshot[] {
  const [pg1, pg2, pg3] = healthyCluster();
  return [withServer(pg1, overrides), pg2, pg3];
}


/** pg2 and pg3 after their primary pg1 went away: their WAL receivers no longer stream. */
function standbysOfAGonePrimary() {
  const [, pg2, pg3] = healthyCluster();
  return [withServer(pg2, { walReceiver: null }), withServer(pg3, { walReceiver: null })] as const;
}

describe('clusterAlerts: a healthy cluster', () => {
  it('raises nothing for a primary and two caught-up standbys on an idle primary', () => {
    expect(alertsFor(healthyCluster())).toEqual([]);
  });

  it('raises nothing for a healthy cascade pg1 → pg2 → pg3', () => {
    const [pg1, pg2] = healthyCluster();
    const pg3 = standby('pg3', pg2);
    const nodes = [withServer(pg1, { replicas: [replicaRow('pg2')] }), withServer(pg2, { replicas: [replicaRow('pg3')] }), pg3];
    expect(alertsFor(nodes)).toEqual([]);
  });

  it('raises nothing for a sandbox on one loopback host (localhost in the config, 127.0.0.1 everywhere else)', () => {
    const pg1 = primary('pg1', {
      host: 'localhost',
      port: 5432,
      server: { replicas: [replicaRow('pg2', { clientAddr: '127.0.0.1' }), replicaRow('pg3', { clientAddr: '127.0.0.1' })] },
    });
    const viaLoopback = receiver(pg1, { senderHost: '127.0.0.1' });
    const pg2 = standby('pg2', pg1, { host: 'localhost', port: 5433, server: { walReceiver: viaLoopback } });
    const pg3 = standby('pg3', pg1, { host: 'localhost', port: 5434, server: { walReceiver: viaLoopback } });
    expect(alertsFor([pg1, pg2, pg3])).toEqual([]);
  });

  it('raises nothing while no node has been polled yet', () => {
    expect(alertsFor([unpolled('pg1'), unpolled('pg2')])).toEqual([]);
  });
});

describe('clusterAlerts: who is primary', () => {
  it('no-primary: critical when nodes are up and none accepts writes', () => {
    const [pg2, pg3] = standbysOfAGonePrimary();
    const alerts = alertsFor([down('pg1'), pg2, pg3]);
    expect(only(alerts, 'no-primary')).toEqual([
      {
        severity: 'critical',
        code: 'no-primary',
        message: 'No primary is up (pg2 and pg3 are in recovery), so nothing accepts writes: start the primary or promote the most advanced standby',
      },
    ]);
  });

  it('no-primary: not raised when nothing is up (node-down says it all) or a primary is up', () => {
    expect(only(alertsFor([down('pg1'), down('pg2')]), 'no-primary')).toEqual([]);
    expect(only(alertsFor(healthyCluster()), 'no-primary')).toEqual([]);
  });

  it('split-brain: two primaries up, named, with the fix', () => {
    const [pg1, pg2] = healthyCluster();
    const alerts = alertsFor([pg1, pg2, primary('pg3')]);
    expect(only(alerts, 'split-brain')).toEqual([
      { severity: 'critical', code: 'split-brain', message: 'pg1 and pg3 both accept writes (split brain): fence one before writes diverge further' },
    ]);
  });

  it('split-brain: three primaries', () => {
    const [alert] = only(alertsFor([primary('pg1'), primary('pg2'), primary('pg3')]), 'split-brain');
    expect(alert?.message).toBe('pg1, pg2 and pg3 all accept writes (split brain): fence all but one before writes diverge further');
  });

  it('split-brain: a second primary that is down is no split brain', () => {
    const [pg1, pg2] = healthyCluster();
    expect(only(alertsFor([pg1, pg2, down('pg3')]), 'split-brain')).toEqual([]);
  });
});

describe('clusterAlerts: node-down', () => {
  it('is a warning, with the reason, while a primary is up', () => {
    const [pg1, pg2] = healthyCluster();
    expect(only(alertsFor([pg1, pg2, down('pg3', 'connect timeout')]), 'node-down')).toEqual([
      { severity: 'warning', code: 'node-down', node: 'pg3', message: 'pg3 (10.0.0.3:5432) is down: connect timeout' },
    ]);
  });

  it('is critical when no primary is up: the down node may be the primary', () => {
    const [pg2, pg3] = standbysOfAGonePrimary();
    const [alert] = only(alertsFor([down('pg1'), pg2, pg3]), 'node-down');
    expect(alert).toMatchObject({ severity: 'critical', node: 'pg1' });
    expect(alert?.message).toContain('connection refused (server not running?)');
  });

  it('is not raised for nodes not polled yet', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    expect(only(alertsFor([pg1, pg2, pg3, unpolled('pg4')]), 'node-down')).toEqual([]);
  });
});

describe('clusterAlerts: timeline-mismatch', () => {
  it("fires when a standby's timeline differs from its upstream's", () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const promoted = withServer(pg1, { timeline: 2 });
    expect(only(alertsFor([promoted, pg2, pg3]), 'timeline-mismatch')).toEqual([
      expect.objectContaining({ severity: 'critical', node: 'pg2', message: expect.stringContaining('pg2 is on timeline 1 but its upstream pg1 is on timeline 2') }),
      expect.objectContaining({ severity: 'critical', node: 'pg3' }),
    ]);
  });

  it('does not fire on equal or unknown timelines', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    expect(only(alertsFor([pg1, pg2, pg3]), 'timeline-mismatch')).toEqual([]);
    expect(only(alertsFor([withServer(pg1, { timeline: null }), pg2, pg3]), 'timeline-mismatch')).toEqual([]);
  });
});

describe('clusterAlerts: standby-not-streaming', () => {
  it('fires when no WAL receiver runs', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const [alert] = only(alertsFor([pg1, withServer(pg2, { walReceiver: null }), pg3]), 'standby-not-streaming');
    expect(alert).toMatchObject({ severity: 'critical', node: 'pg2' });
    expect(alert?.message).toBe("pg2 is not streaming (no WAL receiver is running): check primary_conninfo and the upstream's pg_hba.conf and server log");
  });

  it("fires with the receiver's status when it is not streaming", () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const waiting = withServer(pg3, { walReceiver: receiver(pg1, { status: 'waiting' }) });
    const [alert] = only(alertsFor([pg1, pg2, waiting]), 'standby-not-streaming');
    expect(alert?.message).toContain('its WAL receiver is waiting');
  });

  it('does not fire for streaming standbys', () => {
    expect(only(alertsFor(healthyCluster()), 'standby-not-streaming')).toEqual([]);
  });
});

describe('clusterAlerts: link-unreconciled', () => {
  it('fires when the standby streams but its upstream has no walsender for it', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const alerts = alertsFor([withServer(pg1, { replicas: [replicaRow('pg3')] }), pg2, pg3]);
    expect(only(alerts, 'link-unreconciled')).toEqual([
      {
        severity: 'warning',
        code: 'link-unreconciled',
        node: 'pg2',
        message: `pg2 says it streams from pg1, but no walsender on pg1 is paired with it (by slot, address or application_name): check primary_slot_name on pg2, or set application_name=pg2 in its primary_conninfo`,
      },
    ]);
  });

  it('fires when the standby streams from a server that is not configured', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const stray = withServer(pg2, { walReceiver: receiver(pg1, { senderHost: '10.9.9.9', senderPort: 6432 }) });
    const [alert] = only(alertsFor([pg1, stray, pg3]), 'link-unreconciled');
    expect(alert?.message).toContain('pg2 streams from 10.9.9.9:6432, which is not a configured node');
  });

  it("fires the other way: a walsender for a node that is down from here", () => {
    const [pg1, pg2] = healthyCluster();
    const alerts = alertsFor([pg1, pg2, down('pg3')]);
    expect(only(alerts, 'link-unreconciled')).toEqual([
      {
        severity: 'warning',
        code: 'link-unreconciled',
        node: 'pg3',
        message: 'pg1 has a walsender for pg3 at 10.0.0.3, but pg3 is down from here: another server is using its application_name, or pgcockpit cannot reach it',
      },
    ]);
  });

  it("fires the other way: a walsender for a node whose own receiver is not streaming", () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const alerts = alertsFor([pg1, pg2, withServer(pg3, { walReceiver: null })]);
    expect(only(alerts, 'link-unreconciled').map((alert) => alert.message)).toEqual([
      expect.stringContaining("pg3's WAL receiver is not streaming"),
    ]);
  });

  it('fires the other way: a walsender for a node that streams from somewhere else', () => {
    const [pg1, pg2] = healthyCluster();
    const pg3 = standby('pg3', pg2);
    const nodes = [pg1, withServer(pg2, { replicas: [replicaRow('pg3')] }), pg3];
    expect(only(alertsFor(nodes), 'link-unreconciled').map((alert) => alert.message)).toEqual([expect.stringContaining('pg3 streams from pg2')]);
  });

  it('does not fire when a standby with no receiver is simply not listed anywhere', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const nodes = [withServer(pg1, { replicas: [replicaRow('pg2')] }), pg2, withServer(pg3, { walReceiver: null })];
    expect(only(alertsFor(nodes), 'link-unreconciled')).toEqual([]);
  });
});

describe('clusterAlerts: lag', () => {
  it('lag-bytes: a warning above lagBytesWarning, naming the upstream', () => {
    const alerts = alertsFor(lagging({ replayLagBytes: 20 * MiB, replayLagSeconds: 1 }));
    expect(only(alerts, 'lag-bytes')).toEqual([
      {
        severity: 'warning',
        code: 'lag-bytes',
        node: 'pg2',
        message: "pg2 is 20 MB behind pg1 (warning above 16 MB): check the network, the standby's disk and long queries holding replay back",
      },
    ]);
  });

  it('lag-bytes: critical above lagBytesCritical', () => {
    const [alert] = only(alertsFor(lagging({ replayLagBytes: 300 * MiB, replayLagSeconds: 1 })), 'lag-bytes');
    expect(alert).toMatchObject({ severity: 'critical', node: 'pg2' });
    expect(alert?.message).toContain('pg2 is 300 MB behind pg1 (critical above 256 MB)');
  });

  it('lag-bytes: nothing at or below the warning threshold', () => {
    expect(only(alertsFor(lagging({ replayLagBytes: 16 * MiB, replayLagSeconds: 1 })), 'lag-bytes')).toEqual([]);
  });

  it('lag-seconds: a warning above lagSecondsWarning, critical above lagSecondsCritical', () => {
    const [warning] = only(alertsFor(lagging({ replayLagBytes: MiB, replayLagSeconds: 45 })), 'lag-seconds');
    expect(warning).toMatchObject({ severity: 'warning', node: 'pg2' });
    expect(warning?.message).toContain('pg2 replays 45 s behind pg1 (warning above 30 s)');
    const [critical] = only(alertsFor(lagging({ replayLagBytes: MiB, replayLagSeconds: 400 })), 'lag-seconds');
    expect(critical).toMatchObject({ severity: 'critical' });
    expect(critical?.message).toContain('6 min 40 s behind pg1 (critical above 5 min)');
  });

  it('lag-seconds: nothing on an idle, caught-up cluster, however old the last replayed commit', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const ancient = withServer(pg2, { lastReplayedXactAt: NOW - 7 * 86_400_000 });
    expect(only(alertsFor([pg1, ancient, pg3]), 'lag-seconds')).toEqual([]);
  });

  it('lag-seconds: fires from the last replayed commit when behind and replay_lag is NULL', () => {
    const [pg1, pg2, pg3] = lagging({ replayLagBytes: MiB, replayLagSeconds: null });
    const stuck = withServer(pg2, { lastReplayedXactAt: NOW - 120_000 });
    const [alert] = only(alertsFor([pg1, stuck, pg3]), 'lag-seconds');
    expect(alert?.message).toContain('pg2 replays 2 min behind pg1');
  });

  it('respects configured thresholds', () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, lagBytesWarning: MiB / 2, lagSecondsWarning: 5 };
    expect(codes(alertsFor(lagging({ replayLagBytes: MiB, replayLagSeconds: 10 }), { thresholds }))).toEqual([
      'warning lag-bytes pg2',
      'warning lag-seconds pg2',
    ]);
  });
});

describe('clusterAlerts: replay-paused', () => {
  function paused(replayGapBytes: number | null): [NodeSnapshot, NodeSnapshot, NodeSnapshot] {
    const [pg1, pg2, pg3] = lagging({ replayLagBytes: 48 * MiB, replayLagSeconds: null });
    return [pg1, withServer(pg2, { replayPaused: true, replayGapBytes, lastReplayedXactAt: NOW - 10_000 }), pg3];
  }

  it('fires with the WAL received but not applied', () => {
    expect(only(alertsFor(paused(48 * MiB)), 'replay-paused')).toEqual([
      {
        severity: 'warning',
        code: 'replay-paused',
        node: 'pg2',
        message: 'pg2 replay is paused: 48 MB received but not applied (SELECT pg_wal_replay_resume() resumes it)',
      },
    ]);
  });

  it('still fires when the gap is unknown', () => {
    const [alert] = only(alertsFor(paused(null)), 'replay-paused');
    expect(alert?.message).toBe('pg2 replay is paused (SELECT pg_wal_replay_resume() resumes it)');
  });

  it('keeps the byte lag alert, pointing at the pause as the cause', () => {
    const [alert] = only(alertsFor(paused(48 * MiB)), 'lag-bytes');
    expect(alert?.message).toContain('pg2 is 48 MB behind pg1 (warning above 16 MB): replay is paused, resume it with pg_wal_replay_resume()');
  });

  it('does not fire while replay runs', () => {
    expect(only(alertsFor(healthyCluster()), 'replay-paused')).toEqual([]);
  });
});

describe('clusterAlerts: slots', () => {
  it('slot-retaining: an inactive slot holding more than slotRetainedBytesWarning', () => {
    const alerts = alertsFor(primaryWith({ slots: [slot('slot_pg2'), slot('slot_old', { active: false, retainedBytes: 2 * GiB })] }));
    expect(only(alerts, 'slot-retaining')).toEqual([
      {
        severity: 'warning',
        code: 'slot-retaining',
        node: 'pg1',
        message: "Inactive slot slot_old on pg1 holds 2 GB of WAL in pg_wal: bring its consumer back or drop it with SELECT pg_drop_replication_slot('slot_old')",
      },
    ]);
  });

  it('slot-retaining: not for an active slot, nor an inactive one under the threshold', () => {
    const slots = [slot('slot_busy', { active: true, retainedBytes: 5 * GiB }), slot('slot_idle', { active: false, retainedBytes: 100 * MiB })];
    expect(only(alertsFor(primaryWith({ slots })), 'slot-retaining')).toEqual([]);
  });

  it.each(['unreserved', 'lost'])('slot-at-risk: critical when wal_status is %s', (walStatus) => {
    const slots = [slot('slot_pg3', { active: false, retainedBytes: 3 * GiB, walStatus, safeWalSizeBytes: -1 })];
    const alerts = alertsFor(primaryWith({ slots }));
    expect(codes(alerts)).toEqual(['critical slot-at-risk pg1']);
    expect(alerts[0]?.message).toContain('Slot slot_pg3 on pg1');
  });

  it('slot-at-risk: not for reserved or extended slots', () => {
    const slots = [slot('a', { walStatus: 'reserved' }), slot('b', { walStatus: 'extended' }), slot('c', { walStatus: null })];
    expect(only(alertsFor(primaryWith({ slots })), 'slot-at-risk')).toEqual([]);
  });
});

describe('clusterAlerts: archiving', () => {
  it('archiver-failing: critical, naming the segment that fails', () => {
    const alerts = alertsFor(primaryWith({ archiver: { failing: true, failedCount: 7, lastFailedWal: '00000001000000000000000A', lastFailedAt: NOW - 5000 } }));
    expect(only(alerts, 'archiver-failing')).toEqual([
      {
        severity: 'critical',
        code: 'archiver-failing',
        node: 'pg1',
        message:
          "pg1 fails to archive 00000001000000000000000A (7 failures so far), so pg_wal keeps growing: check archive_command, the archive's free space and permissions, and the server log",
      },
    ]);
  });

  it('archiver-failing: not when archiving works again or is off', () => {
    expect(only(alertsFor(primaryWith({ archiver: { failing: false, failedCount: 7 } })), 'archiver-failing')).toEqual([]);
    expect(only(alertsFor(primaryWith({ archiver: { enabled: false, failing: true } })), 'archiver-failing')).toEqual([]);
  });

  it('archive-backlog: more .ready segments than archiveReadyWarning', () => {
    const [alert] = only(alertsFor(primaryWith({ archiver: { readyCount: 25, oldestReadyAt: NOW - 60_000 } })), 'archive-backlog');
    expect(alert).toEqual({
      severity: 'warning',
      code: 'archive-backlog',
      node: 'pg1',
      message: 'On pg1 25 WAL segments are waiting for archive_command, the oldest for 1 min: archiving is falling behind, so point-in-time recovery lags and pg_wal grows',
    });
  });

  it('archive-backlog: a .ready segment older than archiveReadyAgeSecondsWarning', () => {
    const [alert] = only(alertsFor(primaryWith({ archiver: { readyCount: 1, oldestReadyAt: NOW - 720_000 } })), 'archive-backlog');
    expect(alert?.message).toContain('On pg1 1 WAL segment is waiting for archive_command, the oldest for 12 min');
  });

  it('archive-backlog: not for a short, young queue, nor when the status directory cannot be read', () => {
    expect(only(alertsFor(primaryWith({ archiver: { readyCount: 10, oldestReadyAt: NOW - 300_000 } })), 'archive-backlog')).toEqual([]);
    const unreadable = { canReadStatusDir: false, readyCount: null, oldestReadyAt: null };
    expect(only(alertsFor(primaryWith({ archiver: unreadable })), 'archive-backlog')).toEqual([]);
  });
});

describe('clusterAlerts: wal-full-forecast', () => {
  it('fires when pg_wal is forecast to fill within walFullHoursWarning', () => {
    const alerts = alertsFor(healthyCluster(), { forecasts: new Map([['pg1', 5.5]]) });
    expect(only(alerts, 'wal-full-forecast')).toEqual([
      {
        severity: 'warning',
        code: 'wal-full-forecast',
        node: 'pg1',
        message: "pg1's pg_wal will fill its file system in about 5 h 30 min at the current rate: find what holds WAL (an inactive slot, a failing archiver) or add space",
      },
    ]);
  });

  it('does not fire for a distant forecast or without forecasts', () => {
    expect(alertsFor(healthyCluster(), { forecasts: new Map([['pg1', 48]]) })).toEqual([]);
    expect(alertsFor(healthyCluster(), { forecasts: new Map() })).toEqual([]);
  });
});

describe('clusterAlerts: order and wording', () => {
  function troubled(): NodeSnapshot[] {
    const [pg1, pg2, pg3] = healthyCluster();
    const pg10 = standby('pg10', pg1, { server: { walReceiver: null } });
    return [
      withServer(pg1, {
        replicas: [replicaRow('pg2', { replayLagBytes: 20 * MiB, replayLagSeconds: 2 }), replicaRow('pg3')],
        slots: [slot('slot_old', { active: false, retainedBytes: 3 * GiB })],
        archiver: { failing: true, failedCount: 1, lastFailedWal: '000000010000000000000009', readyCount: 30 },
      }),
      withServer(pg2, { replayPaused: true, replayGapBytes: 1536 * MiB }),
      primary('pg3'),
      pg10,
    ];
  }

  it('sorts critical, then warning, then by node name (cluster-wide first, pg2 before pg10)', () => {
    expect(codes(alertsFor(troubled(), { forecasts: new Map([['pg1', 2]]) }))).toEqual([
      'critical split-brain',
      'critical archiver-failing pg1',
      'critical standby-not-streaming pg10',
      'warning slot-retaining pg1',
      'warning archive-backlog pg1',
      'warning wal-full-forecast pg1',
      'warning lag-bytes pg2',
      'warning replay-paused pg2',
      'warning link-unreconciled pg3',
    ]);
  });

  it('orders node names naturally: pg2 before pg10', () => {
    const [pg1] = healthyCluster();
    const nodes = [withServer(pg1, { replicas: [] }), down('pg10'), down('pg2')];
    expect(codes(alertsFor(nodes))).toEqual(['warning node-down pg2', 'warning node-down pg10']);
  });

  it('says each alert in one sentence on one line', () => {
    const alerts = alertsFor(troubled(), { forecasts: new Map([['pg1', 2]]) });
    expect(alerts.find((alert) => alert.code === 'replay-paused')?.message).toContain('1.5 GB received but not applied');
    for (const alert of alerts) {
      expect(alert.message).not.toMatch(/\n|\.\s|\.$/);
      expect(alert.message.length).toBeGreaterThan(20);
    }
  });
});

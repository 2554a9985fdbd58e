import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { MonitoringLogin, NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, healthyCluster, receiver, replicaRow, withServer } from './fixtures.js';

/**
 * Issue 8 item 8: a login without pg_monitor (so without pg_read_all_stats)
 * sees pg_stat_wal_receiver and pg_stat_replication with every detail NULL
 * but the pid. That must read as "grant pg_monitor", not as standbys that do
 * not stream.
 */
const MONITOR: MonitoringLogin = { user: 'monitor', readAllStats: false, pgMonitor: false };

/** What such a login reads from the healthy cluster (pg1 primary, pg2/pg3 standbys, slots slot_pg2/slot_pg3). */
function seenWithoutPgMonitor(login: MonitoringLogin = MONITOR): NodeSnapshot[] {
  const [pg1, pg2, pg3] = healthyCluster();
  const hiddenRow = (name: string) =>
    replicaRow('walreceiver', {
      pid: Number(replicaRow(name).pid),
      clientAddr: null,
      state: 'unknown',
      syncState: 'unknown',
      sentLsn: null,
      writeLsn: null,
      flushLsn: null,
      replayLsn: null,
      sentLagBytes: null,
      writeLagBytes: null,
      flushLagBytes: null,
      replayLagBytes: null,
    });
  const primary = withServer(pg1, {
    monitoringLogin: login,
    replicas: [hiddenRow('pg2'), hiddenRow('pg3')],
    archiver: { canReadStatusDir: false, readyCount: null, oldestReadyAt: null },
  });
  const hiddenStandby = (node: NodeSnapshot, timelineFromCheckpoint: number) =>
    withServer(node, {
      monitoringLogin: login,
      // received_tli is hidden too: the timeline is the last restartpoint's.
      timeline: timelineFromCheckpoint,
      walReceiver: receiver(pg1, { status: 'unknown', senderHost: null, senderPort: null, slotName: null, receivedTimeline: null, lastMessageAt: null }),
      settings: { primary_slot_name: `slot_${node.name}` },
      archiver: { canReadStatusDir: false, readyCount: null, oldestReadyAt: null },
    });
  return [primary, hiddenStandby(pg2, 1), hiddenStandby(pg3, 1)];
}

describe('a monitoring login without pg_monitor', () => {
  it('says to grant pg_monitor, once for all its nodes, instead of false CRITICAL "not streaming"', () => {
    const view = buildClusterView(seenWithoutPgMonitor(), DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts).toEqual([
      {
        severity: 'warning',
        code: 'monitoring-login-privileges',
        message:
          'pgcockpit logs in to pg1, pg2 and pg3 as monitor, which lacks pg_monitor, so WAL receivers and walsenders read as NULL and replication cannot be checked: grant pg_monitor to monitor on the primary',
      },
    ]);
  });

  it('still pairs each standby with its walsender, by primary_slot_name and the slots\' active_pid', () => {
    const view = buildClusterView(seenWithoutPgMonitor(), DEFAULT_THRESHOLDS, NOW);
    expect(view.links.map((link) => [link.standby, link.upstream, link.walsenderPid, link.pairedBy])).toEqual([
      ['pg2', 'pg1', 4002, 'slot'],
      ['pg3', 'pg1', 4003, 'slot'],
    ]);
  });

  it('keeps a standby with no WAL receiver at all critical: the pid is visible to everyone', () => {
    const [pg1, pg2, pg3] = seenWithoutPgMonitor();
    const view = buildClusterView([pg1!, pg2!, withServer(pg3!, { walReceiver: null })], DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts.find((alert) => alert.code === 'standby-not-streaming')).toMatchObject({ severity: 'critical', node: 'pg3' });
  });

  it('quotes a role name SQL would fold', () => {
    const view = buildClusterView(seenWithoutPgMonitor({ ...MONITOR, user: 'Nagios' }), DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts[0]?.message).toContain('grant pg_monitor to "Nagios" on the primary');
  });

  it('with pg_read_all_stats but not pg_monitor: only an info (the archive backlog is unknown)', () => {
    const nodes = healthyCluster().map((node) => withServer(node, { monitoringLogin: { user: 'nagios', readAllStats: true, pgMonitor: false } }));
    const view = buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW);
    expect(view.alerts.map((alert) => [alert.severity, alert.message])).toEqual([
      ['info', 'pgcockpit logs in to pg1, pg2 and pg3 as nagios, which lacks pg_monitor, so the archive backlog is unknown: grant pg_monitor to nagios on the primary'],
    ]);
  });

  it('says nothing for a superuser or a member of pg_monitor', () => {
    expect(buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW).alerts).toEqual([]);
  });
});

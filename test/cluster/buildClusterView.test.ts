import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { MiB, NOW, down, healthyCluster, replicaRow, withServer } from './fixtures.js';

describe('buildClusterView', () => {
  it('keeps the nodes and the time, and derives links and alerts from them', () => {
    const nodes = healthyCluster();
    const view = buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW);
    // Standbys keep their objects (panes are memoised); the primary's walsender rows get their standby's name.
    expect(view.nodes[1]).toBe(nodes[1]);
    expect(view.nodes[2]).toBe(nodes[2]);
    expect(view.nodes[0]?.server?.replicas.map((row) => row.standby)).toEqual(['pg2', 'pg3']);
    expect({ ...view.nodes[0], server: { ...view.nodes[0]?.server, replicas: [] } }).toEqual({ ...nodes[0], server: { ...nodes[0].server, replicas: [] } });
    expect(view.at).toBe(NOW);
    expect(view.links.map((link) => [link.standby, link.upstream, link.caughtUp])).toEqual([
      ['pg2', 'pg1', true],
      ['pg3', 'pg1', true],
    ]);
    expect(view.alerts).toEqual([]);
  });

  it('raises alerts from the derived links', () => {
    const [pg1, pg2] = healthyCluster();
    const behind = withServer(pg1, { replicas: [replicaRow('pg2', { replayLagBytes: 300 * MiB, replayLagSeconds: 1 })] });
    const view = buildClusterView([behind, pg2, down('pg3')], DEFAULT_THRESHOLDS, NOW);
    expect(view.links.find((link) => link.standby === 'pg2')?.lagBytes).toBe(300 * MiB);
    expect(view.alerts.map((alert) => [alert.severity, alert.code, alert.node])).toEqual([
      ['critical', 'lag-bytes', 'pg2'],
      ['warning', 'node-down', 'pg3'],
    ]);
  });

  it('passes the pg_wal forecasts on to the alerts', () => {
    const view = buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW, new Map([['pg1', 3]]));
    expect(view.alerts.map((alert) => alert.code)).toEqual(['wal-full-forecast']);
  });
});

import { describe, expect, it } from 'vitest';
import type { Alert, ClusterView } from '../../src/services/cluster/clusterView.js';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import {
  HEALTH_CRITICAL,
  HEALTH_OK,
  HEALTH_UNKNOWN,
  HEALTH_WARNING,
  healthExitCode,
} from '../../src/services/cluster/healthExitCode.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, down, healthyCluster, unpolled } from './fixtures.js';

function view(nodes: NodeSnapshot[], alerts: Alert[]): ClusterView {
  return { nodes, links: [], alerts, at: NOW };
}

const info: Alert = { severity: 'info', code: 'note', message: 'something to know' };
const warning: Alert = { severity: 'warning', code: 'lag-bytes', node: 'pg2', message: 'pg2 is behind' };
const critical: Alert = { severity: 'critical', code: 'split-brain', message: 'two primaries' };

describe('healthExitCode (Nagios convention)', () => {
  it('uses the plugin numbers 0, 1, 2, 3', () => {
    expect([HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL, HEALTH_UNKNOWN]).toEqual([0, 1, 2, 3]);
  });

  it('is 0 OK with no alerts, or only info ones', () => {
    expect(healthExitCode(view(healthyCluster(), []))).toBe(0);
    expect(healthExitCode(view(healthyCluster(), [info]))).toBe(0);
  });

  it('is 1 WARNING when the worst alert is a warning', () => {
    expect(healthExitCode(view(healthyCluster(), [info, warning]))).toBe(1);
  });

  it('is 2 CRITICAL when any alert is critical', () => {
    expect(healthExitCode(view(healthyCluster(), [warning, critical, info]))).toBe(2);
  });

  it('is 3 UNKNOWN when no node was polled yet, or there are no nodes', () => {
    expect(healthExitCode(view([unpolled('pg1'), unpolled('pg2')], []))).toBe(3);
    expect(healthExitCode(view([], []))).toBe(3);
  });

  it('is not UNKNOWN once one node is known, even if down', () => {
    expect(healthExitCode(view([down('pg1'), unpolled('pg2')], [critical]))).toBe(2);
  });

  it('follows the alerts of built views', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    expect(healthExitCode(buildClusterView([pg1, pg2, pg3], DEFAULT_THRESHOLDS, NOW))).toBe(0);
    expect(healthExitCode(buildClusterView([pg1, pg2, down('pg3')], DEFAULT_THRESHOLDS, NOW))).toBe(1);
    expect(healthExitCode(buildClusterView([down('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW))).toBe(2);
    expect(healthExitCode(buildClusterView([unpolled('pg1'), unpolled('pg2')], DEFAULT_THRESHOLDS, NOW))).toBe(3);
  });
});

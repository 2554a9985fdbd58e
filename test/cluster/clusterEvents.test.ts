import { describe, expect, it } from 'vitest';
import { clusterEvents } from '../../src/services/cluster/clusterEvents.js';
import type { Alert } from '../../src/services/cluster/clusterView.js';
import { down, healthyCluster, unpolled, withServer } from './fixtures.js';

const splitBrain: Alert = { severity: 'critical', code: 'split-brain', message: 'pg1 and pg3 both accept writes (split brain)' };

describe('clusterEvents (log lines from one tick to the next)', () => {
  it('says nothing when nothing changed', () => {
    const nodes = healthyCluster();
    expect(clusterEvents({ nodes, alerts: [] }, { nodes, alerts: [] })).toEqual([]);
  });

  it('announces each node on its first answer', () => {
    const nodes = healthyCluster();
    const events = clusterEvents({ nodes: nodes.map((n) => unpolled(n.name)), alerts: [] }, { nodes, alerts: [] });
    expect(events).toHaveLength(3);
    expect(events[0]).toMatch(/^pg1 is up: PRIMARY, PostgreSQL /);
    expect(events[1]).toMatch(/^pg2 is up: STANDBY/);
  });

  it('reports a node going down with the reason, and coming back', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const downNodes = [pg1, down('pg2'), pg3];
    expect(clusterEvents({ nodes: [pg1, pg2, pg3], alerts: [] }, { nodes: downNodes, alerts: [] })).toEqual([
      'pg2 is DOWN: connection refused (server not running?)',
    ]);
    expect(clusterEvents({ nodes: downNodes, alerts: [] }, { nodes: [pg1, pg2, pg3], alerts: [] })[0]).toMatch(/^pg2 is up again: STANDBY/);
  });

  it('logs a server that refuses the login as up, not DOWN, and says when a down node starts answering that way', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const refusing = { ...down('pg1', 'too many connections'), serverAnswered: true };
    expect(clusterEvents({ nodes: [pg1, pg2, pg3], alerts: [] }, { nodes: [refusing, pg2, pg3], alerts: [] })).toEqual([
      "pg1 is up but refuses pgcockpit's login: too many connections",
    ]);
    expect(clusterEvents({ nodes: [down('pg1'), pg2, pg3], alerts: [] }, { nodes: [refusing, pg2, pg3], alerts: [] })).toEqual([
      "pg1 is up but refuses pgcockpit's login: too many connections",
    ]);
    expect(clusterEvents({ nodes: [refusing, pg2, pg3], alerts: [] }, { nodes: [refusing, pg2, pg3], alerts: [] })).toEqual([]);
  });

  it('reports a promotion as a role and timeline change', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const promoted = withServer({ ...pg3, role: 'primary' }, { timeline: 2 });
    expect(clusterEvents({ nodes: [pg1, pg2, pg3], alerts: [] }, { nodes: [pg1, pg2, promoted], alerts: [] })).toEqual([
      'pg3 is now PRIMARY (was STANDBY)',
      'pg3 timeline 1 → 2',
    ]);
  });

  it('reports alerts raised, changed in severity, and cleared', () => {
    const nodes = healthyCluster();
    expect(clusterEvents({ nodes, alerts: [] }, { nodes, alerts: [splitBrain] })).toEqual([`CRITICAL: ${splitBrain.message}`]);
    expect(clusterEvents({ nodes, alerts: [splitBrain] }, { nodes, alerts: [splitBrain] })).toEqual([]);
    expect(clusterEvents({ nodes, alerts: [splitBrain] }, { nodes, alerts: [] })).toEqual([`cleared: ${splitBrain.message}`]);
  });
});

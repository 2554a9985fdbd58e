import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { HEALTH_CRITICAL, HEALTH_WARNING, healthExitCode } from '../../src/services/cluster/healthExitCode.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, down, healthyCluster, withServer } from './fixtures.js';

/**
 * Issue 8 item 1 (status part): a node pgcockpit cannot log in to, whose
 * server answered (too many connections, password failed, ...) or from which
 * a standby still streams, is up and may be the primary: no alert may then
 * advise promoting a standby.
 */
function refusing(name: string, downReason: string): NodeSnapshot {
  return { ...down(name, downReason), serverAnswered: true };
}

function view(nodes: NodeSnapshot[]) {
  return buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW);
}

function messages(nodes: NodeSnapshot[]): string {
  return view(nodes)
    .alerts.map((alert) => `${alert.severity} ${alert.code}: ${alert.message}`)
    .join('\n');
}

describe('a primary that refuses pgcockpit\'s login', () => {
  it('at max_connections, its standbys still streaming: says it is up and full, never "promote", critical', () => {
    const [, pg2, pg3] = healthyCluster();
    const nodes = [refusing('pg1', 'too many connections'), pg2, pg3];
    const text = messages(nodes);
    expect(text).toContain(
      "critical login-refused: pg1 (10.0.0.1:5432) is up but refuses pgcockpit's login: too many connections (max_connections reached); pg2 and pg3 still stream from it, it is most likely the primary and still accepts writes, so do not fail over to a standby: end idle sessions (pg_stat_activity) or raise max_connections",
    );
    expect(text).not.toMatch(/promot/i);
    expect(text).not.toContain('no-primary');
    expect(text).not.toContain('is down');
    expect(healthExitCode(view(nodes))).toBe(HEALTH_CRITICAL);
  });

  it('with its standbys no longer streaming (password failed): still up, still no promotion advised', () => {
    const [, pg2, pg3] = healthyCluster().map((node) => (node.role === 'standby' ? withServer(node, { walReceiver: null }) : node));
    const text = messages([refusing('pg1', 'password authentication failed'), pg2!, pg3!]);
    expect(text).toMatch(/pg1 \(10\.0\.0\.1:5432\) is up but refuses pgcockpit's login: password authentication failed, it may be the primary and still accept writes, so do not fail over to a standby/);
    expect(text).toContain("fix the password of pgcockpit's user in its passfile");
    expect(text).not.toMatch(/promot/i);
  });

  it('is a warning, not a critical, when another primary is up (a standby refusing the login)', () => {
    const [pg1, pg2] = healthyCluster();
    const nodes = [pg1, pg2, refusing('pg3', 'no pg_hba.conf entry / authorization failed')];
    const alert = view(nodes).alerts.find((candidate) => candidate.node === 'pg3');
    expect(alert).toMatchObject({ severity: 'warning', code: 'login-refused' });
    expect(alert?.message).toBe(
      "pg3 (10.0.0.3:5432) is up but refuses pgcockpit's login: no pg_hba.conf entry for pgcockpit, or authorization failed: add a pg_hba.conf line for pgcockpit's address and user",
    );
    expect(healthExitCode(view(nodes))).toBe(HEALTH_WARNING);
  });
});

describe('a node that does not answer but is streamed from', () => {
  it('is up for its standbys: no promotion advised (a network problem between pgcockpit and the primary)', () => {
    const [, pg2, pg3] = healthyCluster();
    const text = messages([down('pg1', 'timeout'), pg2, pg3]);
    expect(text).toContain(
      'critical node-unreachable: pg1 (10.0.0.1:5432) does not answer pgcockpit (timeout) but is up; pg2 and pg3 still stream from it, it is most likely the primary and still accepts writes, so do not fail over to a standby: check the network and firewall between pgcockpit and pg1',
    );
    expect(text).not.toMatch(/promot/i);
  });

  it('is gone when nothing answers and nobody streams from it: then a promotion may be advised', () => {
    const [, pg2, pg3] = healthyCluster().map((node) => (node.role === 'standby' ? withServer(node, { walReceiver: null }) : node));
    const text = messages([down('pg1'), pg2!, pg3!]);
    expect(text).toContain('promote the most advanced standby');
    expect(text).toContain('pg1 (10.0.0.1:5432) is down: connection refused');
  });
});

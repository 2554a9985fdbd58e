import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { FailoverFacts, HostServerState, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { planFailover } from '../../src/services/runbooks/failover/planFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { down, healthyCluster, hostFor, NOW, withServer } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}`, pgBinDir: '/usr/lib/postgresql/15/bin' })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});

const standbyExtras = (upstream: string): NodeExtras => ({
  primaryConninfo: `user=replication passfile=/home/pg/.pgpass host=${hostFor(upstream)} port=5432 sslmode=prefer`,
  transactionReadOnly: true,
  recoveryTargetTimeline: 'latest',
  primarySlotName: '',
  systemIdentifier: '7000000000000000001',
});

/** pg1 unreachable from here, pg2 and pg3 standbys pointing at it; pg1's host says `pg1`. */
function facts(pg1: HostServerState | undefined): FailoverFacts {
  const [, pg2, pg3] = healthyCluster();
  const settings = { max_wal_senders: '10', max_replication_slots: '10' };
  const nodes: NodeSnapshot[] = [
    down('pg1'),
    withServer(pg2, { walReceiver: null, receiveLsn: '0/5000100', replayLsn: '0/5000100', settings }),
    withServer(pg3, { walReceiver: null, receiveLsn: '0/5000080', replayLsn: '0/5000080', settings }),
  ];
  return {
    view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW),
    extras: { pg2: standbyExtras('pg1'), pg3: standbyExtras('pg1') },
    ...(pg1 ? { hosts: { pg1 } } : {}),
    tcpOpen: { pg1: false },
    dataDirs: { pg1: { port: 5432, portSource: 'its configuration', systemIdentifier: '7000000000000000001' } },
  };
}

const RUNNING: HostServerState = { state: 'running', detail: 'pg_ctl: server is running (PID: 4242)' };
const STOPPED: HostServerState = { state: 'stopped', detail: 'pg_ctl: no server running' };
const NO_ANSWER: HostServerState = { state: 'noAnswer', detail: 'ssh db1:22: connect ECONNREFUSED' };
const FENCE_LABEL = 'pg1 is gone (it must not stay a primary beside the new one)';
const fenceCheck = (plan: ReturnType<typeof planFailover>) => plan.checks.find((check) => check.label === FENCE_LABEL);

describe('planFailover: fencing the old primary', () => {
  it('server still running on its host: alive, so refused, offering the fence', () => {
    const plan = planFailover(config, facts(RUNNING), 'pg2');
    expect(plan.blocked, formatPlan(plan)).toBe(true);
    expect(fenceCheck(plan)).toMatchObject({ status: 'fail', observed: expect.stringContaining('its host says its server runs (pg_ctl: server is running (PID: 4242))') });
    expect(fenceCheck(plan)?.fix).toContain('--fence (Ctrl-F in the cockpit) stops its server on its host');
    expect(plan.fenceOffer).toEqual(['pg1']);
    expect(plan.steps).toEqual([]);
  });

  it('server still running, with fence: stops it first through its runner, and the warning turns into an ok line', () => {
    const plan = planFailover(config, facts(RUNNING), 'pg2', { fence: true });
    expect(plan.blocked).toBe(false);
    expect(fenceCheck(plan)).toMatchObject({ status: 'ok', observed: expect.stringContaining('it will be stopped first on its host (fence)') });
    expect(plan.checks.find((check) => check.label.includes('data directory'))).toMatchObject({ status: 'ok' });
    expect(plan.fenceOffer).toEqual([]);
    expect(plan.steps[0]).toMatchObject({
      node: 'pg1',
      description: "stop pg1's server (fence)",
      detail: '/usr/lib/postgresql/15/bin/pg_ctl -D /data/pg1 -m fast -w -t 300 stop',
      mutating: true,
    });
    expect(plan.steps.map((step) => step.description).slice(1, 3)).toEqual(['promote pg2 and note its new timeline', 'checkpoint on pg2']);
    expect(plan.steps.at(-1)?.description).toBe('mark pg1 as needing a rebuild');
  });

  it('server not running on its host: an ok line, nothing to fence', () => {
    for (const fence of [false, true]) {
      const plan = planFailover(config, facts(STOPPED), 'pg2', { fence });
      expect(plan.blocked).toBe(false);
      expect(fenceCheck(plan)).toMatchObject({ status: 'ok', observed: expect.stringContaining('no server running') });
      expect(plan.fenceOffer).toEqual([]);
      expect(plan.steps[0]?.node).toBe('pg2');
    }
  });

  it('host does not answer: warns that it may still accept writes elsewhere; fencing it is refused', () => {
    const plan = planFailover(config, facts(NO_ANSWER), 'pg2');
    expect(plan.blocked).toBe(false);
    expect(fenceCheck(plan)).toMatchObject({ status: 'warn', observed: expect.stringContaining('ECONNREFUSED') });
    expect(plan.warnings).toContain("pg1's host does not answer: if it is alive elsewhere it may still accept writes");
    expect(plan.fenceOffer).toEqual([]);
    // The typed confirmation stays what the plan asks for.
    expect(plan.confirmWord).toBe('pg2');

    const fenced = planFailover(config, facts(NO_ANSWER), 'pg2', { fence: true });
    expect(fenced.blocked).toBe(true);
    expect(fenced.steps).toEqual([]);
    expect(fenced.blockedReasons[0]).toMatch(/pg1's host does not answer.*cannot be stopped from here/);
  });

  it('without a host look (facts not gathered): a warning that it may still run, no fence offer', () => {
    const plan = planFailover(config, facts(undefined), 'pg2');
    expect(fenceCheck(plan)).toMatchObject({ status: 'warn', observed: expect.stringContaining('its host was not asked') });
    expect(plan.fenceOffer).toEqual([]);
  });
});

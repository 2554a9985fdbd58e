import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { FailoverFacts, HostServerState, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { planFailover } from '../../src/services/runbooks/failover/planFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { down, healthyCluster, hostFor, NOW, primary, withServer } from '../support/snapshots.js';

/** Issue 10, point 6: a refused failover's advice leads somewhere, and a plan says what its own checks found. */
const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}`, pgBinDir: '/usr/lib/postgresql/15/bin' })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});

const SYSTEM = '7000000000000000001';
const standbyExtras = (upstream: string): NodeExtras => ({
  primaryConninfo: `user=replication host=${hostFor(upstream)} port=5432`,
  transactionReadOnly: true,
  recoveryTargetTimeline: 'latest',
  primarySlotName: '',
  systemIdentifier: SYSTEM,
});
const primaryExtras: NodeExtras = { primaryConninfo: '', transactionReadOnly: false, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: SYSTEM };
const settings = { max_wal_senders: '10', max_replication_slots: '10' };

function facts(nodes: NodeSnapshot[], extras: Record<string, NodeExtras>, more: Partial<FailoverFacts> = {}): FailoverFacts {
  return { view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW), extras, ...more };
}

const splitBrain = (plan: ReturnType<typeof planFailover>) => plan.checks.find((check) => check.label.includes('split-brain'));

describe('a failover refused because a primary is writable offers only what can run', () => {
  it('one writable primary, every standby streaming: the switchover is offered, "while pg1 runs"', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const plan = planFailover(config, facts([pg1, withServer(pg2, { settings }), pg3], { pg1: primaryExtras, pg2: standbyExtras('pg1'), pg3: standbyExtras('pg1') }), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.offersSwitchover, formatPlan(plan)).toBe(true);
    expect(splitBrain(plan)?.fix).toBe('failover is for a primary that is gone; to move the role while pg1 runs, use switchover (it demotes pg1 first), or stop pg1 and plan again');
  });

  it('two writable primaries: a switchover is refused too, so none is offered; the fix names both with "run"', () => {
    const [pg1, pg2] = healthyCluster();
    const pg3 = primary('pg3');
    const plan = planFailover(config, facts([pg1, withServer(pg2, { settings }), pg3], { pg1: primaryExtras, pg2: standbyExtras('pg1'), pg3: primaryExtras }), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.offersSwitchover).toBeUndefined();
    expect(splitBrain(plan)?.observed).toMatch(/^pg1 is up and writable .*; pg3 is up and writable/);
    const fix = splitBrain(plan)?.fix ?? '';
    expect(fix).toBe('failover is for a primary that is gone: stop pg1 and pg3 and plan again; a switchover to pg2 is refused too: pg1 and pg3 are up as primaries (split brain); resolve the split brain first: stop all primaries but one');
    expect(fix).not.toContain('use switchover');
    expect(fix).not.toMatch(/\bruns\b/);
  });

  it('one writable primary but a standby down: a switchover would be refused (every standby must follow), so it is not offered', () => {
    const [pg1, pg2] = healthyCluster();
    const plan = planFailover(config, facts([pg1, withServer(pg2, { settings }), down('pg3')], { pg1: primaryExtras, pg2: standbyExtras('pg1') }), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.offersSwitchover).toBeUndefined();
    expect(splitBrain(plan)?.fix).toMatch(/stop pg1 and plan again; a switchover to pg2 is refused too: pg3 is down/);
  });

  it('two read-only primaries: the warning agrees in number', () => {
    const [pg1, pg2] = healthyCluster();
    const readOnly = { ...primaryExtras, transactionReadOnly: true };
    const plan = planFailover(config, facts([pg1, withServer(pg2, { settings }), primary('pg3')], { pg1: readOnly, pg2: standbyExtras('pg1'), pg3: readOnly }), 'pg2');
    expect(splitBrain(plan)).toMatchObject({ status: 'warn', observed: 'pg1 and pg3 are up as primaries but read-only (transaction_read_only = on)' });
    expect(plan.warnings).toContain('pg1 and pg3 are still up as read-only primaries');
  });
});

describe('the old primary: what its host said is what the plan says', () => {
  const STOPPED: HostServerState = { state: 'stopped', detail: 'pg_ctl: no server running' };
  const gone = 'pg1 is gone (it must not stay a primary beside the new one)';
  /** pg1 down; pg3's receiver, read a moment before pg1's host was asked, still says it streams from pg1. */
  function staleReceiver(dataDirPort = 5432): FailoverFacts {
    const [, pg2, pg3] = healthyCluster();
    return facts(
      [down('pg1'), withServer(pg2, { walReceiver: null, settings }), pg3],
      { pg2: standbyExtras('pg1'), pg3: standbyExtras('pg1') },
      { hosts: { pg1: STOPPED }, tcpOpen: { pg1: false }, dataDirs: { pg1: { port: dataDirPort, portSource: 'its configuration', systemIdentifier: SYSTEM } } },
    );
  }

  it('its host says no server runs: no warning that it may be alive, though a receiver still showed it streaming', () => {
    for (const fence of [false, true]) {
      const plan = planFailover(config, staleReceiver(), 'pg2', { fence });
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      const check = plan.checks.find((candidate) => candidate.label === gone);
      expect(check).toMatchObject({ status: 'ok', observed: expect.stringContaining('its host answers: pg_ctl: no server running') });
      expect(check?.observed).toContain('pg3 still showed its WAL receiver streaming from it a moment before');
      expect(check?.observed).not.toMatch(/alive/);
      expect(plan.warnings.filter((warning) => warning.includes('pg1'))).toEqual([]);
      expect(plan.fenceOffer).toEqual([]);
    }
  });

  it('its host says no server runs, but for a data directory that is not pg1\'s: not known, and said so without contradiction', () => {
    const plan = planFailover(config, staleReceiver(6543), 'pg2');
    expect(plan.blocked).toBe(true);
    const text = formatPlan(plan);
    expect(text).toContain('pg1 is alive: pg3 still streams WAL from it');
    expect(text).not.toContain('cannot tell whether its server runs (pg_ctl: no server running');
  });
});

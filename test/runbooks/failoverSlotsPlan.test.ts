import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import type { NodeSnapshot, ReplicationSlot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { FailoverFacts, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { planFailover } from '../../src/services/runbooks/failover/planFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { failoverSlotsChecks } from '../../src/services/runbooks/preflight/failoverSlotsCheck.js';
import { down, healthyCluster, hostFor, NOW, slot, withServer } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}` })),
  replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
});

const extras = (upstream: string): NodeExtras => ({
  primaryConninfo: `user=replication host=${hostFor(upstream)} port=5432 dbname=postgres`,
  transactionReadOnly: true,
  recoveryTargetTimeline: 'latest',
  primarySlotName: 'slot_pg2',
  systemIdentifier: '7000000000000000001',
});

const SYNCING = { sync_replication_slots: 'on', hot_standby_feedback: 'on', primary_conninfo: 'user=replication host=pg1 dbname=postgres', primary_slot_name: 'slot_pg2', max_wal_senders: '10', max_replication_slots: '10' };
const failoverSlot = (overrides: Partial<ReplicationSlot> = {}) => slot('sub1', { type: 'logical', active: false, database: 'app', failover: true, synced: false, invalidationReason: null, conflicting: false, ...overrides });

/** pg1 dead with a failover slot it was last seen holding; pg2 the target with `copy` (or none). */
function facts(copy: ReplicationSlot | undefined, settings: Record<string, string> = SYNCING): FailoverFacts {
  const [, pg2, pg3] = healthyCluster();
  const nodes: NodeSnapshot[] = [
    down('pg1'),
    withServer(pg2, { versionNum: 170010, version: '17.10', walReceiver: null, receiveLsn: '0/5000100', replayLsn: '0/5000100', slots: copy ? [copy] : [], settings }),
    withServer(pg3, { versionNum: 170010, version: '17.10', walReceiver: null, receiveLsn: '0/5000080', replayLsn: '0/5000080', settings: { ...settings, primary_slot_name: 'slot_pg3' } }),
  ];
  return {
    view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW),
    extras: { pg2: extras('pg1'), pg3: { ...extras('pg1'), primarySlotName: 'slot_pg3' } },
    tcpOpen: { pg1: false },
    lastSeenSlots: { pg1: { at: NOW - 5000, slots: [slot('slot_pg2'), slot('slot_pg3'), failoverSlot()] } },
  };
}

const slotCheck = (plan: { checks: { label: string; status: string; observed: string; fix?: string }[] }) => plan.checks.find((check) => check.label === 'failover slots are synced on pg2 and valid');

describe('failover slots in the promotion plan (PostgreSQL 17+)', () => {
  it('refuses with the fix when the target has no synced copy of a failover slot the primary held', () => {
    const plan = planFailover(config, facts(undefined), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(slotCheck(plan)).toMatchObject({ status: 'fail', observed: 'sub1 (database app): no synced copy on pg2' });
    expect(slotCheck(plan)?.fix).toContain('select pg_sync_replication_slots() on pg2');
    expect(slotCheck(plan)?.fix).toContain('--ignore-failover-slots');
    expect(formatPlan(plan)).toMatch(/✗ failover slots are synced on pg2 and valid/);
  });

  it('passes when the copy is synced and valid', () => {
    const plan = planFailover(config, facts(failoverSlot({ synced: true })), 'pg2');
    expect(slotCheck(plan)).toMatchObject({ status: 'ok', observed: 'sub1: synced on pg2' });
    expect(plan.blocked).toBe(false);
    expect(formatPlan(plan)).toMatch(/✓ failover slots are synced on pg2 and valid/);
  });

  it('refuses a copy that is still temporary: PostgreSQL drops it at the promotion', () => {
    const plan = planFailover(config, facts(failoverSlot({ synced: true, temporary: true })), 'pg2');
    expect(plan.blocked).toBe(true);
    expect(slotCheck(plan)).toMatchObject({ status: 'fail', observed: expect.stringContaining('sub1 (database app): its copy on pg2 is still temporary') });
  });

  it('refuses an invalidated copy, naming the reason', () => {
    const plan = planFailover(config, facts(failoverSlot({ synced: true, invalidationReason: 'rows_removed' })), 'pg2');
    expect(slotCheck(plan)).toMatchObject({ status: 'fail', observed: "sub1's copy is invalidated (rows_removed)" });
  });

  it('promotes anyway with --ignore-failover-slots, saying what the subscribers lose', () => {
    const plan = planFailover(config, facts(undefined), 'pg2', { ignoreFailoverSlots: true });
    expect(plan.blocked).toBe(false);
    expect(slotCheck(plan)?.status).toBe('warn');
    expect(slotCheck(plan)?.fix).toMatch(/subscribers .* stop/);
  });

  it('warns when the target does not keep the copies in sync, and when the primary cannot be asked for synchronized_standby_slots', () => {
    const plan = planFailover(config, facts(failoverSlot({ synced: true }), { ...SYNCING, sync_replication_slots: 'off', primary_conninfo: 'user=replication host=pg1' }), 'pg2');
    expect(plan.checks.find((check) => check.label === 'pg2 keeps failover slots in sync')).toMatchObject({ status: 'warn', observed: 'sync_replication_slots = off, no dbname in primary_conninfo: the copies stop following pg1' });
    expect(plan.checks.find((check) => check.label === "pg1's synchronized_standby_slots names pg2's slot")).toMatchObject({ status: 'warn', observed: 'not known: pg1 does not answer' });
  });

  it('adds nothing when the primary has no failover slot, or the target cannot sync slots (before 17)', () => {
    const plain = facts(undefined);
    plain.lastSeenSlots = { pg1: { at: NOW, slots: [slot('slot_pg2'), slot('sub1', { type: 'logical', failover: false })] } };
    expect(planFailover(config, plain, 'pg2').checks.some((check) => check.label.includes('failover slots'))).toBe(false);
    const [, pg2] = healthyCluster();
    const sixteen = failoverSlotsChecks({ target: withServer(pg2, { settings: {} }), primaryName: 'pg1', primarySlots: [failoverSlot()] });
    expect(sixteen).toEqual([expect.objectContaining({ status: 'fail', observed: expect.stringContaining('cannot sync them (17 and later can)') })]);
  });

  it("checks that the live primary's synchronized_standby_slots names the target's slot, with the exact fix", () => {
    const [, pg2] = healthyCluster();
    const target = withServer(pg2, { slots: [failoverSlot({ synced: true })], settings: SYNCING });
    const checks = failoverSlotsChecks({ target, primaryName: 'pg1', primarySlots: [failoverSlot()], primarySettings: { synchronized_standby_slots: 'slot_pg3' } });
    expect(checks.find((check) => check.label === "pg1's synchronized_standby_slots names pg2's slot")).toMatchObject({
      status: 'warn',
      fix: "on pg1: alter system set synchronized_standby_slots = 'slot_pg3, slot_pg2'; select pg_reload_conf()",
    });
    const named = failoverSlotsChecks({ target, primaryName: 'pg1', primarySlots: [failoverSlot()], primarySettings: { synchronized_standby_slots: 'slot_pg2, slot_pg3' } });
    expect(named.find((check) => check.label === "pg1's synchronized_standby_slots names pg2's slot")?.status).toBe('ok');
  });
});

import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { Plan, PlanResult, PlanStep } from '../../src/services/runbooks/plan.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { stillNeedingRebuild } from '../../src/state/needsRebuild.js';
import { operationPlanOf } from '../../src/state/operation.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { down, healthyCluster, NOW, primary, receiver, standby, withServer } from '../support/snapshots.js';
import { waitFor } from '../support/waitFor.js';

const config = { cluster: 'test', nodes: [] } as never;

function reporting(result: Partial<PlanResult>): Plan {
  const step: PlanStep = {
    node: 'pg1',
    description: 'report',
    detail: 'nothing runs',
    mutating: false,
    async run(ctx) {
      ctx.reportOutcome(result);
    },
  };
  return { title: 'report', target: 'pg1', checks: [], steps: [step], blocked: false, blockedReasons: [], confirmWord: 'pg1', warnings: [] };
}

async function runOperation(store: ReturnType<typeof createCockpitStore>, kind: 'failover' | 'switchover'): Promise<void> {
  store.getState().requestOperation(kind, 'pg1');
  await waitFor(() => store.getState().operation?.phase === 'confirm', 'the plan shown');
  store.getState().typeConfirmation('pg1');
  store.getState().confirmOperation();
  await waitFor(() => store.getState().operation?.phase === 'done', `the ${kind} to end`);
}

describe("a plan's typed outcome in the store", () => {
  it('marks a node needing a rebuild from one plan, and a later plan that says it replicates again clears it', async () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined },
      preparers: { failover: async () => reporting({ needsRebuild: ['pg1'] }), switchover: async () => reporting({ rebuilt: ['pg1'] }) },
    });
    try {
      await runOperation(store, 'failover');
      expect(store.getState().needsRebuild).toEqual(['pg1']);
      expect(store.getState().log.map((line) => line.text)).toContain('⚠ needs rebuild: pg1 (its data forked from the new timeline)');
      await runOperation(store, 'switchover');
      expect(store.getState().needsRebuild).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('clears the mark once the live view shows the node streaming as a standby on the primary\'s timeline, not before', () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    // After a failover: pg2 is the primary on timeline 2, pg1 (the old primary) is marked.
    const pg2 = primary('pg2', { server: { timeline: 2 } });
    const pg3 = standby('pg3', pg2);
    store.setState({ needsRebuild: ['pg1'] });
    store.getState().applyView(buildClusterView([down('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW));
    expect(store.getState().needsRebuild).toEqual(['pg1']);
    // Started as it was: a primary of its own on timeline 1 (split brain), still needing a rebuild.
    store.getState().applyView(buildClusterView([primary('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW + 1000));
    expect(store.getState().needsRebuild).toEqual(['pg1']);
    // A standby whose receiver still reports the old timeline (not followed the switch) keeps the mark.
    const stuck = withServer(standby('pg1', pg2), { walReceiver: receiver(pg2, { receivedTimeline: 1 }) });
    store.getState().applyView(buildClusterView([stuck, pg2, pg3], DEFAULT_THRESHOLDS, NOW + 2000));
    expect(store.getState().needsRebuild).toEqual(['pg1']);
    // Rebuilt: streaming from pg2 on timeline 2.
    store.getState().applyView(buildClusterView([standby('pg1', pg2), pg2, pg3], DEFAULT_THRESHOLDS, NOW + 3000));
    expect(store.getState().needsRebuild).toEqual([]);
  });

  it('keeps every mark while no single primary is up (its timeline is the reference)', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const view = buildClusterView([down('pg1'), pg2, pg3], DEFAULT_THRESHOLDS, NOW);
    expect(stillNeedingRebuild(['pg2'], view)).toEqual(['pg2']);
    expect(stillNeedingRebuild(['pg2'], buildClusterView([pg1, pg2, pg3], DEFAULT_THRESHOLDS, NOW))).toEqual([]);
  });
});

describe("a plan's offers are data the planner sets", () => {
  const refused: Plan = {
    title: 'failover: promote pg2 to primary',
    target: 'pg2',
    checks: [{ label: 'no other primary is writable (split-brain guard)', status: 'fail', observed: 'pg1 is up and writable' }],
    steps: [],
    blocked: true,
    blockedReasons: ['x'],
    confirmWord: 'pg2',
    warnings: [],
  };

  it('offers a switchover only when the plan says so, whatever its checks are called', () => {
    expect(operationPlanOf(refused).offersSwitchover).toBe(false);
    expect(operationPlanOf({ ...refused, offersSwitchover: true }).offersSwitchover).toBe(true);
    expect(operationPlanOf({ ...refused, checks: [{ ...refused.checks[0]!, label: 'another primary is up' }], offersSwitchover: true }).offersSwitchover).toBe(true);
  });

  it('carries the fence and resume-replay offers from the plan', () => {
    expect(operationPlanOf({ ...refused, fenceOffer: ['pg1'], resumeReplayOffer: true })).toMatchObject({ fenceOffer: ['pg1'], resumeReplayOffer: true });
    expect(operationPlanOf(refused)).toMatchObject({ resumeReplayOffer: false });
    expect(operationPlanOf(refused).fenceOffer).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { waitFor } from '../support/waitFor.js';

const config = { cluster: 'test', nodes: [] } as never;

const failoverLeavingPg1: Plan = {
  title: 'failover to pg2',
  target: 'pg2',
  checks: [],
  steps: [
    {
      node: 'pg2',
      description: 'promote pg2',
      detail: 'nothing runs',
      mutating: false,
      async run(ctx) {
        ctx.reportOutcome({ needsRebuild: ['pg1'] });
      },
    } satisfies PlanStep,
  ],
  blocked: false,
  blockedReasons: [],
  confirmWord: 'pg2',
  warnings: [],
};

describe("a plan's end in the store", () => {
  it('is one update: the operation done, the rebuild mark and the line saying so together', async () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    const stop = bindOperationsToStore(store, config, { audit: { recordPlan: async () => undefined }, preparers: { failover: async () => failoverLeavingPg1 } });
    const seen: Array<{ warned: boolean; phase: string | undefined; marked: readonly string[] }> = [];
    const unsubscribe = store.subscribe((state) =>
      seen.push({ warned: state.log.some((line) => line.text.startsWith('⚠ needs rebuild: pg1')), phase: state.operation?.phase, marked: state.needsRebuild }),
    );
    try {
      store.getState().requestOperation('failover', 'pg2');
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the plan shown');
      store.getState().typeConfirmation('pg2');
      store.getState().confirmOperation();
      await waitFor(() => store.getState().operation?.phase === 'done', 'the failover to end');
      const warned = seen.find((update) => update.warned);
      expect(warned).toEqual({ warned: true, phase: 'done', marked: ['pg1'] });
    } finally {
      unsubscribe();
      await stop();
    }
  });
});

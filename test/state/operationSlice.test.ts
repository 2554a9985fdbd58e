import { describe, expect, it } from 'vitest';
import type { OperationPlan } from '../../src/state/operation.js';
import { initialOperationState } from '../../src/state/slices/operation.js';
import { freshStore } from './storeOnTest.js';

const plan: OperationPlan = {
  title: 'failover to pg2',
  target: 'pg2',
  checks: [],
  steps: [{ node: 'pg2', description: 'promote pg2', detail: 'select pg_promote(wait => false)' }],
  blocked: false,
  blockedReasons: [],
  warnings: [],
  confirmWord: 'pg2',
  offersSwitchover: false,
  resumeReplayOffer: false,
};

describe('operation slice', () => {
  it('starts with no operation', () => {
    expect(freshStore().state()).toMatchObject(initialOperationState());
  });

  it('asked, planned, confirmed only with the exact word, stepped and finished; a second one is refused while it runs', () => {
    const { state } = freshStore();
    state().requestOperation('failover', 'pg2');
    expect(state().operation).toMatchObject({ id: 1, phase: 'planning', kind: 'failover', target: 'pg2' });
    state().setOperationPlan(7, plan); // a late plan for another request: dropped
    expect(state().operation?.phase).toBe('planning');
    state().setOperationPlan(1, plan);
    state().typeConfirmation('pg');
    state().confirmOperation();
    expect(state().operation?.phase).toBe('confirm');
    state().typeConfirmation('pg2');
    state().confirmOperation();
    expect(state().operation?.phase).toBe('running');
    state().requestOperation('switchover', 'pg3');
    expect(state().operation?.target).toBe('pg2');
    expect(state().notice).toBe('failover of pg2 is running: one operation at a time');
    state().operationFinished(1, { succeeded: true, needsRebuild: ['pg1'] });
    expect(state().operation).toMatchObject({ phase: 'done' });
    expect(state().needsRebuild).toEqual(['pg1']);
  });

  it("a step's start is one update with its announcement; the outcome marks and clears rebuilds in the same update as the end", () => {
    const { store, state, updates } = freshStore();
    store.setState({ operation: { id: 3, kind: 'switchover', target: 'pg2', choices: {}, phase: 'running', typed: 'pg2', startedAt: 1 }, needsRebuild: ['pg3'] });
    const before = updates();
    state().setOperationStep(3, { number: 1, total: 4 }, [{ at: 0, text: 'step 1/4 on pg1: checkpoint', stream: 'info' }]);
    expect(updates() - before).toBe(1);
    expect(state().operation?.step).toEqual({ number: 1, total: 4 });
    expect(state().log.map((line) => line.text)).toEqual(['step 1/4 on pg1: checkpoint']);
    state().operationFinished(3, { succeeded: false, error: 'step 3 failed', needsRebuild: ['pg1'], rebuilt: ['pg3'] }, [{ at: 0, text: '✗ switchover: step 3 failed', stream: 'info' }]);
    expect(updates() - before).toBe(2);
    expect(state().log.at(-1)!.text).toBe('✗ switchover: step 3 failed');
    expect(state().operation).toMatchObject({ phase: 'failed', error: 'step 3 failed' });
    expect(state().needsRebuild).toEqual(['pg1']);
    // Ended: a late outcome changes nothing.
    state().operationFinished(3, { succeeded: true });
    expect(updates() - before).toBe(2);
  });

  it('the modal offers replan with the choices merged, and Esc closes it before anything ran', () => {
    const { state } = freshStore();
    state().requestOperation('failover', 'pg2');
    state().setOperationPlan(1, { ...plan, blocked: true, fenceOffer: ['pg1'] });
    state().replanOperation({ fence: true });
    expect(state().operation).toMatchObject({ id: 2, phase: 'planning', choices: { fence: true }, typed: '' });
    state().cancelOperation();
    expect(state().operation).toBeNull();
  });
});

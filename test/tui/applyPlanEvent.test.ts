import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../src/services/runbooks/plan.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { applyPlanEvent } from '../../src/tui/operations.js';

const step: PlanStep = { node: 'pg2', description: 'promote pg2', detail: 'select pg_promote(wait => false)', mutating: true, run: async () => undefined };

function runningStore() {
  const store = createCockpitStore({ cluster: 't', nodes: [] });
  store.setState({ operation: { id: 3, kind: 'failover', target: 'pg2', choices: {}, phase: 'running', typed: 'pg2', startedAt: Date.now() } });
  let updates = 0;
  store.subscribe(() => updates++);
  return { store, updates: () => updates };
}

describe('plan events into the store', () => {
  it("a step's start is one update: the operation's step and its announcement with the exact SQL", () => {
    const { store, updates } = runningStore();
    applyPlanEvent(store, 3, { type: 'step-started', number: 2, total: 5, step });
    expect(updates()).toBe(1);
    expect(store.getState().operation?.step).toEqual({ number: 2, total: 5 });
    expect(store.getState().log.map((line) => line.text)).toEqual(['step 2/5 on pg2: promote pg2', 'step 2/5   select pg_promote(wait => false)']);
  });

  it("a job's record, output batch, progress and end: one update each, the lines under their step and tagged with the job", () => {
    const { store, updates } = runningStore();
    const at = Date.now();
    applyPlanEvent(store, 3, { type: 'job-started', number: 1, total: 2, job: { id: 41, title: 'pg_basebackup (rebuild, step 1/2)', node: 'pg3', where: 'local as postgres', startedAt: at } });
    applyPlanEvent(store, 3, {
      type: 'job-output',
      number: 1,
      total: 2,
      jobId: 41,
      lines: [
        { at, text: 'waiting for checkpoint', stream: 'stderr', jobId: 41 },
        { at, text: ' 500/1000 kB (50%), 0/1 tablespace', stream: 'stdout', jobId: 41 },
      ],
    });
    applyPlanEvent(store, 3, { type: 'job-progress', number: 1, total: 2, jobId: 41, fraction: 0.5 });
    applyPlanEvent(store, 3, { type: 'job-finished', number: 1, total: 2, jobId: 41, outcome: { status: 'succeeded', endedAt: at, exitCode: 0, signal: null } });
    expect(updates()).toBe(4);
    expect(store.getState().jobs).toMatchObject([{ id: 41, status: 'succeeded', progress: 0.5, exitCode: 0 }]);
    expect(store.getState().log).toMatchObject([
      { text: 'step 1/2   ! waiting for checkpoint', jobId: 41 },
      { text: 'step 1/2    500/1000 kB (50%), 0/1 tablespace', jobId: 41 },
    ]);
  });

  it('an event for an operation no longer current still logs its lines, and leaves the operation alone', () => {
    const { store } = runningStore();
    applyPlanEvent(store, 2, { type: 'step-started', number: 1, total: 1, step });
    expect(store.getState().operation?.step).toBeUndefined();
    expect(store.getState().log).toHaveLength(2);
  });
});

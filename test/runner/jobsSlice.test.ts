import { describe, expect, it } from 'vitest';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { runningJob } from '../../src/state/runningJob.js';

function storeWithJobs(...ids: number[]) {
  const store = createCockpitStore({ cluster: 'test', nodes: [] });
  for (const id of ids) store.getState().startJob({ id, title: `job ${id}`, where: 'local as postgres', startedAt: id });
  return store;
}

describe('jobs slice', () => {
  it('setJobProgress clamps to 0..1, and the same value again is no update', () => {
    const store = storeWithJobs(1);
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().setJobProgress(1, 0.58);
    store.getState().setJobProgress(1, 0.58);
    expect(store.getState().jobs[0]!.progress).toBe(0.58);
    expect(updates).toBe(1);
    store.getState().setJobProgress(1, 7);
    expect(store.getState().jobs[0]!.progress).toBe(1);
    store.getState().setJobProgress(1, Number.NaN);
    store.getState().setJobProgress(99, 0.5);
    expect(store.getState().jobs[0]!.progress).toBe(1);
  });

  it('the stop question and a cancel request go once their job finishes', () => {
    const store = storeWithJobs(1, 2);
    store.getState().askStopJob(2);
    store.getState().requestJobCancel(2);
    store.getState().requestJobCancel(2);
    expect(store.getState()).toMatchObject({ stopJobPrompt: 2, cancelRequested: [2] });
    store.getState().finishJob(1, { status: 'succeeded', endedAt: 5, exitCode: 0, signal: null });
    expect(store.getState()).toMatchObject({ stopJobPrompt: 2, cancelRequested: [2] });
    store.getState().finishJob(2, { status: 'cancelled', endedAt: 6, exitCode: null, signal: 'SIGTERM' });
    expect(store.getState()).toMatchObject({ stopJobPrompt: null, cancelRequested: [] });
    // Nothing runs: no question can open.
    store.getState().askStopJob(2);
    expect(store.getState().stopJobPrompt).toBeNull();
  });

  it('runningJob is the newest job still running', () => {
    const store = storeWithJobs(1, 2, 3);
    expect(runningJob(store.getState())?.id).toBe(3);
    store.getState().finishJob(3, { status: 'failed', endedAt: 9, exitCode: 1, signal: null });
    expect(runningJob(store.getState())?.id).toBe(2);
    store.getState().finishJob(1, { status: 'failed', endedAt: 9, exitCode: 1, signal: null });
    store.getState().finishJob(2, { status: 'failed', endedAt: 9, exitCode: 1, signal: null });
    expect(runningJob(store.getState())).toBeUndefined();
  });
});

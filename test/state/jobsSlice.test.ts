import { describe, expect, it } from 'vitest';
import { initialJobsState } from '../../src/state/slices/jobs.js';
import { freshStore } from './storeOnTest.js';

const job = (id: number) => ({ id, title: `pg_basebackup for pg${id}`, node: `pg${id}`, where: 'local as postgres', startedAt: 1000 });

describe('jobs slice', () => {
  it('starts with no job and no stop request', () => {
    expect(freshStore().state()).toMatchObject(initialJobsState());
  });

  it('a job runs, reports progress, is asked to stop and ends: each one update', () => {
    const { state, updates } = freshStore();
    state().startJob(job(1));
    state().setJobProgress(1, 0.25);
    state().requestJobCancel(1);
    state().requestJobCancel(1); // asked twice: no second update
    expect(updates()).toBe(3);
    expect(state().jobs).toEqual([{ ...job(1), status: 'running', progress: 0.25 }]);
    expect(state().cancelRequested).toEqual([1]);
    state().askStopJob(1);
    state().finishJob(1, { status: 'cancelled', endedAt: 2000, exitCode: null, signal: 'SIGTERM' });
    // Its stop request and the question about it (the ui slice's) go in the same update.
    expect(state()).toMatchObject({ cancelRequested: [], stopJobPrompt: null });
    expect(state().jobs[0]).toMatchObject({ status: 'cancelled', signal: 'SIGTERM' });
    const after = updates();
    state().requestJobCancel(1);
    expect(updates()).toBe(after);
  });
});

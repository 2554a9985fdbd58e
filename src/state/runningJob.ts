import type { CockpitState, JobRecord } from './createCockpitStore.js';

/** The job the job view is about: the newest one still running. */
export function runningJob(state: Pick<CockpitState, 'jobs'>): JobRecord | undefined {
  for (let index = state.jobs.length - 1; index >= 0; index--) {
    const job = state.jobs[index]!;
    if (job.status === 'running') return job;
  }
  return undefined;
}

/** How many jobs run now. */
export function runningJobCount(state: Pick<CockpitState, 'jobs'>): number {
  return state.jobs.filter((job) => job.status === 'running').length;
}

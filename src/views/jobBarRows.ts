import type { CockpitState } from '../state/createCockpitStore.js';
import { runningJob } from '../state/runningJob.js';

/** Rows the job bar takes: one while a job runs (or the question about one is open), none otherwise. */
export function jobBarRows(state: Pick<CockpitState, 'jobs' | 'stopJobPrompt'>): number {
  return state.stopJobPrompt !== null || runningJob(state) !== undefined ? 1 : 0;
}

import type { CockpitState } from '../state/createCockpitStore.js';
import { runningOperation } from '../state/operation.js';
import { runningJob } from '../state/runningJob.js';

/** Rows the job bar takes: one while a job or an operation runs (or the question about a job is open), none otherwise. */
export function jobBarRows(state: Pick<CockpitState, 'jobs' | 'stopJobPrompt'> & Partial<Pick<CockpitState, 'operation'>>): number {
  return state.stopJobPrompt !== null || runningJob(state) !== undefined || runningOperation({ operation: state.operation ?? null }) !== undefined ? 1 : 0;
}

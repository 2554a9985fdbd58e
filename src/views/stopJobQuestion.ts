import type { JobRecord } from '../state/createCockpitStore.js';

/** Where a job runs, for the question: "pg2 (local as postgres)", or only the runner's place. */
export function jobPlace(job: Pick<JobRecord, 'node' | 'where'>): string {
  return job.node ? `${job.node} (${job.where})` : job.where;
}

/**
 * The question before a job is stopped. Its keys are confirmStopJob's and
 * keepJob's in the key table (a test holds them to it).
 */
export function stopJobQuestion(job: Pick<JobRecord, 'title' | 'node' | 'where'>): string {
  return `Stop "${job.title}" on ${jobPlace(job)}? y stops it, n or Esc keeps it running`;
}

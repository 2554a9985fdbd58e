import type { StateCreator } from 'zustand/vanilla';
import type { JobRecord, ProgressAmount } from '../../services/runner/jobRecord.js';
import { clamp } from '../clamp.js';
import type { CockpitState } from '../createCockpitStore.js';

/** The commands run on the nodes' hosts, as runJob reports them, and the DBA's requests to stop them. */
export interface JobsState {
  jobs: JobRecord[];
  /**
   * Running jobs the DBA asked to stop. The job-control service (which holds
   * each job's AbortController) watches this and aborts them; finishJob drops
   * a job from it.
   */
  cancelRequested: number[];
}

export interface JobsActions {
  startJob(job: Omit<JobRecord, 'status'>): void;
  finishJob(id: number, outcome: Pick<JobRecord, 'status' | 'endedAt' | 'exitCode' | 'signal'>): void;
  /** A running job's progress, 0..1 (clamped); unchanged values cost no update. */
  setJobProgress(id: number, fraction: number, amount?: ProgressAmount): void;
  /** Asks the job-control service to stop a running job (ignored for a job that is not running). */
  requestJobCancel(id: number): void;
}

export type JobsSlice = JobsState & JobsActions;

export function initialJobsState(): JobsState {
  return { jobs: [], cancelRequested: [] };
}

export const createJobsSlice: StateCreator<CockpitState, [], [], JobsSlice> = (set) => ({
  ...initialJobsState(),
  startJob: (job) => set((state) => ({ jobs: [...state.jobs, { ...job, status: 'running' }] })),
  // A finished job needs no stopping: its request and any question about it (the ui slice's) go in the same update.
  finishJob: (id, outcome) =>
    set((state) => ({
      jobs: state.jobs.map((job) => (job.id === id ? { ...job, ...outcome } : job)),
      cancelRequested: state.cancelRequested.includes(id) ? state.cancelRequested.filter((other) => other !== id) : state.cancelRequested,
      stopJobPrompt: state.stopJobPrompt === id ? null : state.stopJobPrompt,
    })),
  setJobProgress: (id, fraction, amount) =>
    set((state) => {
      const progress = clamp(fraction, 0, 1);
      const job = state.jobs.find((candidate) => candidate.id === id);
      if (!job || Number.isNaN(progress) || (job.progress === progress && job.progressAmount?.done === amount?.done)) return state;
      return { jobs: state.jobs.map((candidate) => (candidate === job ? { ...job, progress, ...(amount ? { progressAmount: amount } : {}) } : candidate)) };
    }),
  requestJobCancel: (id) =>
    set((state) => {
      const running = state.jobs.some((job) => job.id === id && job.status === 'running');
      return running && !state.cancelRequested.includes(id) ? { cancelRequested: [...state.cancelRequested, id] } : state;
    }),
});
